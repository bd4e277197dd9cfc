using CondDistill.Checkpoints;
using CondDistill.Models;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CondDistill.Tests.Parity;

/// <summary>
/// TorchSharp's UNet against the PyTorch twin (tests/parity/unet_twin.py): the twin's weights load by
/// name through the strict checkpoint loader, and the forward pass reproduces the twin's float64
/// output. Fixtures regenerate with <c>/usr/bin/python3 tests/parity/unet_golden.py</c>.
/// </summary>
public sealed class UNetParityTests(ITestOutputHelper output)
{
    /// <summary>float32 forward against a float64 reference: |v| is about 1; measured differences are about 1e-6.</summary>
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("tiny")]
    [InlineData("default-layout-base4")]
    public void ForwardMatchesPyTorchTwin(string name)
    {
        using var scope = NewDisposeScope();
        using var unet = ModelCheckpoint.LoadUNet(ParityFixtures.PathOf($"unet-{name}.weights.safetensors"));
        unet.eval();
        using var golden = SafetensorsFile.Read(ParityFixtures.PathOf($"unet-{name}.forward.safetensors"));
        Assert.Equal(unet.Config.ToJson(), golden.RequireMetadata("config"));
        var z = golden.Tensors["z"];
        var t = golden.Tensors["t"];
        var expected = golden.Tensors["v"];

        using var noGrad = no_grad();
        var actual = unet.call(z, t);

        Assert.Equal(expected.shape, actual.shape);
        double maxDiff = (actual - expected).abs().max().item<float>();
        output.WriteLine($"{name}: max |TorchSharp - PyTorch| = {maxDiff:E3}");
        Assert.True(maxDiff < Tolerance, $"max |TorchSharp - PyTorch| = {maxDiff:E3} for '{name}' (tolerance {Tolerance:E0}).");
        // The reference is not degenerate: outputs differ across timesteps and are of order 1.
        Assert.InRange(expected.abs().max().item<float>(), 0.5f, 10f);
        Assert.True((expected[0] - expected[3]).abs().max().item<float>() > 0.1f);
    }

    [Fact]
    public void TinyFixtureUsesTheLibrarysTinyConfig()
    {
        var description = ModelCheckpoint.ReadDescription(ParityFixtures.PathOf("unet-tiny.weights.safetensors"));
        Assert.Equal(UNetConfig.Tiny, UNetConfig.FromJson(description.ConfigJson));
    }
}
