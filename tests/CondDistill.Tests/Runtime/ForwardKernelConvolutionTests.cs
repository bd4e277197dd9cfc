using CondDistill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Runtime;

[Collection(OneDnnSwitchCollection.Name)]
public sealed class ForwardKernelConvolutionTests
{
    public static TheoryData<int, int, int, int, int, int, int, bool> Shapes => new()
    {
        // batch, in, out, size, kernel, stride, padding, bias
        { 2, 3, 5, 9, 3, 1, 1, true },
        { 2, 3, 5, 9, 3, 2, 1, true },   // odd size, stride 2: the last row and column are never a window's start
        { 2, 4, 6, 8, 3, 2, 1, false },
        { 2, 6, 4, 7, 1, 1, 0, true },   // 1x1, as in attention projections and shortcuts
        { 3, 2, 3, 10, 3, 1, 0, true },  // no padding
        { 2, 2, 3, 11, 5, 2, 2, true },
        { 2, 4, 4, 12, 3, 3, 1, true },
        { 2, 8, 1, 28, 3, 1, 1, true },  // the UNet's output convolution
    };

    /// <summary>
    /// The identity the path rests on, checked on libtorch's reference convolutions only (oneDNN
    /// off), so it holds whatever the machine: the input gradient of a convolution equals a stride-1
    /// forward convolution of the dilated, padded output gradient with the flipped, transposed kernel.
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void TheInputGradientIsAForwardConvolutionWithTheFlippedTransposedKernel(int batch, int inChannels, int outChannels, int size, int kernel, int stride, int padding, bool bias)
    {
        _ = bias;
        using var scope = NewDisposeScope();
        using var path = new ConvolutionPathOverride(ConvolutionPath.Reference);
        var (x, w, _, upstream) = Inputs(batch, inChannels, outChannels, size, kernel, stride, padding, bias: false);
        var xg = x.detach().requires_grad_();
        nn.functional.conv2d(xg, w, strides: [stride, stride], padding: [padding, padding]).backward([upstream]);

        var viaForward = ForwardKernelConvolution.InputGradient(upstream, w, x.shape, stride, padding);

        Assert.Equal(x.shape, viaForward.shape);
        AssertClose("input gradient", viaForward, xg.grad!);
    }

    /// <summary>
    /// Along <see cref="ConvolutionPath.OneDnnForwardKernels"/>, the forward pass and the input,
    /// weight and bias gradients equal the float64 convolution (<see cref="DoublePrecisionConvolution"/>,
    /// itself checked against libtorch's float32 reference convolutions).
    /// </summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void TheForwardKernelPathMatchesTheFloat64Convolution(int batch, int inChannels, int outChannels, int size, int kernel, int stride, int padding, bool bias)
    {
        if (!OneDnn.IsSwitchable) return;
        using var scope = NewDisposeScope();
        using var path = new ConvolutionPathOverride(ConvolutionPath.OneDnnForwardKernels);
        var (x, w, b, upstream) = Inputs(batch, inChannels, outChannels, size, kernel, stride, padding, bias);

        var routed = Gradients(x, w, b, upstream, (xg, wg, bg) => RoutedConvolution.Conv2d(xg, wg, bg, stride, padding));
        var reference = Gradients(x, w, b, upstream, (xg, wg, bg) => DoublePrecisionConvolution.Conv2d(xg, wg, bg, stride, padding));

        for (int i = 0; i < routed.Length; i++)
        {
            if (reference[i] is null) { Assert.Null(routed[i]); continue; }
            AssertClose(GradientNames[i], routed[i]!, reference[i]!);
        }
    }

    [Fact]
    public void AFrozenWeightGetsNoGradientWhileTheInputStillDoes()
    {
        if (!OneDnn.IsSwitchable) return;
        using var scope = NewDisposeScope();
        using var path = new ConvolutionPathOverride(ConvolutionPath.OneDnnForwardKernels);
        var (x, w, b, upstream) = Inputs(2, 4, 6, 14, 3, 2, 1, bias: true);
        var xg = x.detach().requires_grad_();
        var frozen = w.detach();
        RoutedConvolution.Conv2d(xg, frozen, b, 2, 1).backward([upstream]);
        Assert.Null(frozen.grad);
        var xr = x.detach().requires_grad_();
        DoublePrecisionConvolution.Conv2d(xr, w, b, 2, 1).backward([upstream]);
        AssertClose("input gradient", xg.grad!, xr.grad!);
    }

    [Fact]
    public void WithoutAGradientThePathIsAPlainConvolution()
    {
        if (!OneDnn.IsSwitchable) return;
        using var scope = NewDisposeScope();
        using var path = new ConvolutionPathOverride(ConvolutionPath.OneDnnForwardKernels);
        var (x, w, b, _) = Inputs(2, 3, 4, 9, 3, 1, 1, bias: true);
        var trainable = w.detach().requires_grad_();
        using (no_grad())
        {
            var inference = RoutedConvolution.Conv2d(x, trainable, b, 1, 1);
            Assert.False(inference.requires_grad);
            Assert.Equal(nn.functional.conv2d(x, w, b, padding: [1, 1]).data<float>().ToArray(), inference.data<float>().ToArray());
        }
        var y = RoutedConvolution.Conv2d(x, trainable, b, 1, 1);
        Assert.True(y.requires_grad);
    }

    private static readonly string[] GradientNames = ["forward", "input gradient", "weight gradient", "bias gradient"];

    internal static (Tensor X, Tensor W, Tensor? B, Tensor Upstream) Inputs(int batch, int inChannels, int outChannels, int size, int kernel, int stride, int padding, bool bias)
    {
        var g = new Generator(29);
        var x = randn(batch, inChannels, size, size, generator: g);
        var w = randn(outChannels, inChannels, kernel, kernel, generator: g).div_(Math.Sqrt(inChannels * kernel * kernel));
        var b = randn(outChannels, generator: g);
        int outSize = (size + 2 * padding - kernel) / stride + 1;
        var upstream = randn(batch, outChannels, outSize, outSize, generator: g);
        return (x, w, bias ? b : null, upstream);
    }

    internal static Tensor?[] Gradients(Tensor x, Tensor w, Tensor? b, Tensor upstream, Func<Tensor, Tensor, Tensor?, Tensor> convolution)
    {
        var xg = x.detach().requires_grad_();
        var wg = w.detach().requires_grad_();
        var bg = b?.detach().requires_grad_();
        var y = convolution(xg, wg, bg);
        y.backward([upstream]);
        return [y.detach(), xg.grad!.detach(), wg.grad!.detach(), bg?.grad!.detach()];
    }

    internal static void AssertClose(string what, Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double error = (actual - expected).abs().max().item<float>() / scale;
        Assert.True(error < 1e-5, $"{what}: relative error {error:G3} (tolerance 1e-5)");
    }
}
