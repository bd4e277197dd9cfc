using CondDistill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Models;

public sealed class UNetTests
{
    internal static (Tensor Z, Tensor T, Tensor C) Inputs(long seed, int batch = 2, int conditionChannels = 1)
    {
        using var generator = new Generator((ulong)seed);
        var z = randn(new long[] { batch, 1, 28, 28 }, generator: generator);
        var t = randint(0, 1000, new long[] { batch }, generator: generator);
        var c = randn(new long[] { batch, conditionChannels, 28, 28 }, generator: generator);
        return (z, t, c);
    }

    internal static UNet TinyUNet(long seed, UNetConfig? config = null)
    {
        using var generator = new Generator((ulong)seed);
        var unet = new UNet(config ?? UNetConfig.Tiny, generator);
        unet.eval();
        return unet;
    }

    [Fact]
    public void OutputHasTheInputShapeAtEveryLevel()
    {
        using var scope = NewDisposeScope();
        using var unet = TinyUNet(1, UNetConfig.Tiny with { OutChannels = 2 });
        var (z, t, _) = Inputs(1, batch: 3);
        var output = unet.call(z, t);
        Assert.Equal(new long[] { 3, 2, 28, 28 }, output.shape);
        Assert.True(output.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void EncoderSkipsHaveTheAdvertisedChannelsAndResolutions()
    {
        using var scope = NewDisposeScope();
        using var unet = TinyUNet(2);
        var (z, t, _) = Inputs(2);
        var features = unet.Encode(unet.InputConv(z), unet.TimeEmbedding(t));
        // Tiny: base 8, (1,2,2), 1 block per level: h0, L0 block, down, L1 block, down, L2 block.
        Assert.Equal(new[] { 8, 8, 8, 16, 16, 16 }, unet.SkipChannels);
        Assert.Equal(unet.SkipChannels.Select(c => (long)c), features.Skips.Select(s => s.shape[1]));
        Assert.Equal(new long[] { 28, 28, 14, 14, 7, 7 }, features.Skips.Select(s => s.shape[2]));
        Assert.Equal(new long[] { 2, 16, 7, 7 }, features.Middle.shape);
    }

    [Fact]
    public void ForwardWithZeroResidualsEqualsPlainForwardAndResidualsChangeIt()
    {
        using var scope = NewDisposeScope();
        using var unet = TinyUNet(3);
        var (z, t, _) = Inputs(3);
        var plain = unet.call(z, t);
        var features = unet.Encode(unet.InputConv(z), unet.TimeEmbedding(t));
        var zeroSkips = features.Skips.Select(s => zeros_like(s)).ToList();
        Assert.True(TensorCompare.Same(unet.Forward(z, t, zeroSkips, zeros_like(features.Middle)), plain));
        var shifted = unet.Forward(z, t, null, ones_like(features.Middle));
        Assert.False(TensorCompare.Same(shifted, plain));
        // Decode(Encode) is the forward pass.
        var temb = unet.TimeEmbedding(t);
        var again = unet.Encode(unet.InputConv(z), temb);
        Assert.True(TensorCompare.Same(unet.Decode(again.Middle, again.Skips, temb), plain));
    }

    [Fact]
    public void SinusoidMatchesTheClosedForm()
    {
        using var scope = NewDisposeScope();
        var emb = TimestepEmbedding.Sinusoid(tensor(new long[] { 0, 7 }), 4);
        // half = 2, frequencies 1 and 10000^(-1/2) = 0.01: [cos(t), cos(0.01 t), sin(t), sin(0.01 t)]
        var expected = tensor(new float[,] { { 1, 1, 0, 0 }, { MathF.Cos(7), MathF.Cos(0.07f), MathF.Sin(7), MathF.Sin(0.07f) } });
        Assert.True(emb.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void A_config_file_with_unknown_or_invalid_fields_is_refused_naming_the_file()
    {
        string dir = Directory.CreateTempSubdirectory("unetconfig").FullName;
        try
        {
            string good = Path.Combine(dir, "good.json");
            File.WriteAllText(good, UNetConfig.FashionMnistDefault.ToJson());
            Assert.Equal(UNetConfig.FashionMnistDefault, UNetConfig.ReadFile(good));

            // snake_case names used to parse as a config with every field 0.
            string snake = Path.Combine(dir, "snake.json");
            File.WriteAllText(snake, "{\"in_channels\":1,\"out_channels\":1,\"base_channels\":32}");
            var unknown = Assert.Throws<ArgumentException>(() => UNetConfig.ReadFile(snake));
            Assert.Contains(snake, unknown.Message);
            Assert.Contains("in_channels", unknown.Message);
            Assert.Contains("camelCase", unknown.Message);

            string badGroups = Path.Combine(dir, "groups.json");
            File.WriteAllText(badGroups, (UNetConfig.FashionMnistDefault with { Groups = 7 }).ToJson());
            var invalid = Assert.Throws<ArgumentException>(() => UNetConfig.ReadFile(badGroups));
            Assert.Contains(badGroups, invalid.Message);
            Assert.Contains("Groups = 7", invalid.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ConfigRoundTripsThroughJsonAndComparesByValue()
    {
        var config = UNetConfig.FashionMnistDefault;
        var back = UNetConfig.FromJson(config.ToJson());
        Assert.Equal(config, back);
        Assert.Equal(config.GetHashCode(), back.GetHashCode());
        Assert.NotEqual(config, config with { ChannelMultipliers = [1, 2, 2] });
        Assert.Contains("\"channelMultipliers\":[1,2,4]", config.ToJson());
    }

    [Fact]
    public void InvalidConfigNamesTheField()
    {
        var error = Assert.Throws<ArgumentException>(() => new UNet(UNetConfig.Tiny with { Groups = 3 }));
        Assert.Contains("Groups", error.Message);
    }

    [Fact]
    public void DefaultConfigParameterCountsArePinned()
    {
        using var unet = new UNet(UNetConfig.FashionMnistDefault);
        Assert.Equal(989_217, unet.parameters().Sum(p => p.numel()));
        using var controlled = new ControlledUNet(unet, new ControlNetConfig(1));
        Assert.Equal(434_320, controlled.ParameterCount(TrainableScope.AdapterOnly));
        Assert.Equal(989_217 + 434_320, controlled.ParameterCount(TrainableScope.Full));
    }

    [Fact]
    public void GroupNormsStartAtOneAndZero()
    {
        // TorchSharp 0.107's nn.GroupNorm leaves weight and bias uninitialised; ours must not.
        using var unet = new UNet(UNetConfig.Tiny);
        var norms = unet.named_parameters().Where(p => p.name.Contains("norm")).ToList();
        Assert.NotEmpty(norms);
        Assert.All(norms, p => Assert.Equal(p.name.EndsWith(".weight") ? 1f : 0f, p.parameter.data<float>().ToArray().Distinct().Single()));
    }

    [Fact]
    public void ExplicitGeneratorGivesPyTorchDefaultBounds()
    {
        using var unet = TinyUNet(12);
        var convIn = unet.named_parameters().Single(p => p.name == "conv_in.weight").parameter;
        // fan_in = 1 * 3 * 3: U(-1/3, 1/3), and not degenerate.
        Assert.InRange(convIn.abs().max().item<float>(), 0.2f, 1f / 3f);
    }

    [Fact]
    public void SameSeedGivesIdenticalWeights()
    {
        using var a = TinyUNet(11);
        using var b = TinyUNet(11);
        Assert.All(a.parameters().Zip(b.parameters()), pair => Assert.True(TensorCompare.Same(pair.First, pair.Second)));
    }
}
