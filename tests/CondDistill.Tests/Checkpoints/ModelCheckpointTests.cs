using System.Buffers.Binary;
using System.Text;
using CondDistill.Checkpoints;
using CondDistill.Models;
using CondDistill.Tests.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Checkpoints;

public sealed class ModelCheckpointTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "conddistill-ckpt-" + Guid.NewGuid().ToString("N"));

    public ModelCheckpointTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string FilePath(string name) => Path.Combine(directory, name);

    [Fact]
    public void UNetRoundTripKeepsOutputsBitIdentical()
    {
        using var scope = NewDisposeScope();
        var unet = UNetTests.TinyUNet(51);
        var (z, t, _) = UNetTests.Inputs(52);
        var expected = unet.call(z, t);
        string path = FilePath("unet.safetensors");
        ModelCheckpoint.Save(path, unet, step: 123, metadata: new Dictionary<string, string> { ["note"] = "tiny" });
        Assert.False(File.Exists(path + ".tmp"));

        var loaded = ModelCheckpoint.LoadUNet(path);
        loaded.eval();
        Assert.Equal(UNetConfig.Tiny, loaded.Config);
        Assert.True(TensorCompare.Same(loaded.call(z, t), expected));
        var metadata = SafetensorsFile.ReadMetadata(path);
        Assert.Equal("unet", metadata["kind"]);
        Assert.Equal("123", metadata["step"]);
        Assert.Equal("tiny", metadata["note"]);
        Assert.Equal(UNetConfig.Tiny.ToJson(), metadata["config"]);
    }

    [Fact]
    public void ReadUNetConfigReturnsTheStoredArchitectureAndRefusesOtherKinds()
    {
        using var scope = NewDisposeScope();
        var wide = UNetConfig.Tiny with { BaseChannels = 12 };
        string path = FilePath("wide.safetensors");
        ModelCheckpoint.Save(path, new UNet(wide));
        Assert.Equal(wide, ModelCheckpoint.ReadUNetConfig(path));

        string controlled = FilePath("controlled-kind.safetensors");
        ModelCheckpoint.Save(controlled, new ControlledUNet(UNetTests.TinyUNet(56), new ControlNetConfig(2, ControlNetFusion.ZeroConv, HintChannels: 4), new Generator(57)));
        var error = Assert.Throws<CheckpointException>(() => ModelCheckpoint.ReadUNetConfig(controlled));
        Assert.Contains(controlled, error.Message);
        Assert.Contains("metadata field 'kind'", error.Message);
    }

    [Theory]
    [InlineData(ControlNetFusion.ZeroConv)]
    [InlineData(ControlNetFusion.MuBlend)]
    public void ControlledUNetRoundTripKeepsOutputsBitIdentical(ControlNetFusion fusion)
    {
        using var scope = NewDisposeScope();
        var model = new ControlledUNet(UNetTests.TinyUNet(53), new ControlNetConfig(2, fusion, HintChannels: 4), new Generator(54));
        using (no_grad()) foreach (var p in model.parameters()) p.add_(0.01); // leave the zero init behind
        model.eval();
        var (z, t, c) = UNetTests.Inputs(55, conditionChannels: 2);
        var expected = model.Forward(z, t, c);
        string path = FilePath("controlled.safetensors");
        ModelCheckpoint.Save(path, model);
        var loaded = ModelCheckpoint.LoadControlledUNet(path);
        loaded.eval();
        Assert.Equal(fusion, loaded.Adapter.Config.Fusion);
        Assert.True(TensorCompare.Same(loaded.Forward(z, t, c), expected));
    }

    [Fact]
    public void ConcatConditionedUNetRoundTripKeepsOutputsBitIdentical()
    {
        using var scope = NewDisposeScope();
        var model = ConcatConditionedUNet.FromBackbone(UNetTests.TinyUNet(56), 2);
        using (no_grad()) foreach (var p in model.parameters()) p.add_(0.01);
        model.eval();
        var (z, t, c) = UNetTests.Inputs(57, conditionChannels: 2);
        string path = FilePath("concat.safetensors");
        ModelCheckpoint.Save(path, model);
        var loaded = ModelCheckpoint.LoadConcatConditionedUNet(path);
        loaded.eval();
        Assert.True(TensorCompare.Same(loaded.Forward(z, t, c), model.Forward(z, t, c)));
    }

    [Fact]
    public void TruncatedFileIsRejectedNamingTheFileAndTheTensor()
    {
        var unet = UNetTests.TinyUNet(58);
        string path = FilePath("truncated.safetensors");
        ModelCheckpoint.Save(path, unet);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^100]);
        var error = Assert.Throws<CheckpointException>(() => ModelCheckpoint.Load(path, UNetTests.TinyUNet(59), unet.Description));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Matches("tensor '[^']+'", error.Message);

        File.WriteAllBytes(path, bytes[..20]); // inside the header
        error = Assert.Throws<CheckpointException>(() => ModelCheckpoint.LoadUNet(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("header length", error.Message);
    }

    [Fact]
    public void FileFromAnotherWidthNamesTheTensorAndBothConfigs()
    {
        var wide = UNetTests.TinyUNet(60, UNetConfig.Tiny with { BaseChannels = 12 });
        string path = FilePath("wide.safetensors");
        ModelCheckpoint.Save(path, wide);
        var target = UNetTests.TinyUNet(61);
        var before = target.parameters().Select(p => p.detach().clone()).ToList();
        var error = Assert.Throws<CheckpointException>(() => ModelCheckpoint.Load(path, target, target.Description));
        Assert.Contains(path, error.Message);
        Assert.Contains("tensor 'conv_in.weight' has shape [12, 1, 3, 3] in the file but the model expects [8, 1, 3, 3]", error.Message);
        Assert.Contains("another architecture", error.Message);
        // Nothing was loaded.
        Assert.All(target.parameters().Zip(before), pair => Assert.True(TensorCompare.Same(pair.First, pair.Second)));
    }

    [Fact]
    public void MissingAndUnexpectedTensorsAreNamed()
    {
        using var scope = NewDisposeScope();
        var unet = UNetTests.TinyUNet(62);
        var tensors = unet.state_dict().Where(p => p.Key != "conv_in.bias").ToList();
        tensors.Add(KeyValuePair.Create("stray.weight", zeros(2)));
        var metadata = new Dictionary<string, string> { ["kind"] = "unet", ["config"] = unet.Config.ToJson(), ["format"] = ModelCheckpoint.Format };
        string path = FilePath("missing.safetensors");
        SafetensorsFile.Write(path, tensors, metadata);
        var error = Assert.Throws<CheckpointException>(() => ModelCheckpoint.LoadUNet(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("model tensor 'conv_in.bias' is missing", error.Message);
        Assert.Contains("unexpected model tensor 'stray.weight'", error.Message);
    }

    [Fact]
    public void WrongDtypeAndWrongKindAreNamed()
    {
        using var scope = NewDisposeScope();
        var unet = UNetTests.TinyUNet(63);
        var tensors = unet.state_dict().Select(p => KeyValuePair.Create(p.Key, p.Key == "conv_in.bias" ? p.Value.to(float64) : p.Value)).ToList();
        string path = FilePath("dtype.safetensors");
        SafetensorsFile.Write(path, tensors, new Dictionary<string, string> { ["kind"] = "unet", ["config"] = unet.Config.ToJson() });
        var error = Assert.Throws<CheckpointException>(() => ModelCheckpoint.Load(path, unet, unet.Description));
        Assert.Contains("'conv_in.bias' has dtype Float64 in the file but the model expects Float32", error.Message);

        ModelCheckpoint.Save(path, unet);
        error = Assert.Throws<CheckpointException>(() => ModelCheckpoint.LoadControlledUNet(path));
        Assert.Contains("metadata field 'kind' is 'unet', expected 'controlled-unet'", error.Message);
    }

    [Fact]
    public void SafetensorsLayoutFollowsTheSpecification()
    {
        using var scope = NewDisposeScope();
        string path = FilePath("layout.safetensors");
        SafetensorsFile.Write(path, [KeyValuePair.Create("a", tensor(new[] { 1f, 2f })), KeyValuePair.Create("b", tensor(new long[] { 7 }))],
            new Dictionary<string, string> { ["k"] = "v" });
        var bytes = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(0, 8));
        Assert.Equal(0, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength).TrimEnd(' ');
        Assert.Equal("{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}", header);
        Assert.Equal(8 + headerLength + 16, bytes.Length);
        Assert.Equal(2f, BitConverter.ToSingle(bytes, (int)(8 + headerLength + 4)));
        Assert.Equal(7L, BitConverter.ToInt64(bytes, (int)(8 + headerLength + 8)));
        using var content = SafetensorsFile.Read(path);
        Assert.Equal(new[] { 1f, 2f }, content.Tensors["a"].data<float>().ToArray());
        Assert.Equal(7L, content.Tensors["b"].item<long>());
        Assert.Equal("v", content.Metadata["k"]);
    }
}
