using CondDistill.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Models;

public sealed class RoutedConv2dTests
{
    /// <summary>Checkpoints written when the models used nn.Conv2d load into RoutedConv2d layers: same tensor names and shapes.</summary>
    [Theory]
    [InlineData(3, 5, 3, 1, 1, true)]
    [InlineData(4, 4, 3, 2, 1, true)]
    [InlineData(6, 2, 1, 1, 0, false)]
    public void ItHasTheParametersOfNnConv2dAndComputesTheSameConvolution(int inChannels, int outChannels, int kernel, int stride, int padding, bool bias)
    {
        using var scope = NewDisposeScope();
        using var routed = new RoutedConv2d(inChannels, outChannels, kernel, stride, padding, bias);
        using var plain = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, bias: bias);

        var routedState = routed.state_dict();
        var plainState = plain.state_dict();
        Assert.Equal(plainState.Keys.Order(), routedState.Keys.Order());
        foreach (var (name, tensor) in plainState) Assert.Equal(tensor.shape, routedState[name].shape);

        plain.load_state_dict(routedState);
        var x = randn(2, inChannels, 9, 9, generator: new Generator(3));
        using (no_grad())
            Assert.Equal(plain.call(x).data<float>().ToArray(), routed.call(x).data<float>().ToArray());
    }

    [Theory]
    [InlineData(3, 1, 3)]
    [InlineData(3, 0, 1)]
    [InlineData(0, 1, 0)]
    public void AnUnsupportedGeometryIsRefusedNamingIt(int kernel, int stride, int padding)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RoutedConv2d(2, 2, kernel, stride, padding));
        Assert.Contains($"got kernel {kernel}, stride {stride}, padding {padding}", e.Message);
    }
}
