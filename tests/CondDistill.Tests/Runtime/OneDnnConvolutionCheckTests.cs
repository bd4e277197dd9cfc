using CondDistill.Runtime;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CondDistill.Tests.Runtime;

[Collection(OneDnnSwitchCollection.Name)]
public sealed class OneDnnConvolutionCheckTests(ITestOutputHelper output)
{
    /// <summary>
    /// Whatever path the library chose, the models' convolutions (<see cref="RoutedConvolution"/>)
    /// and their gradients equal a convolution written as unfold (im2col) and a matrix product, which
    /// never goes through oneDNN. On the machine where oneDNN's kernels were wrong this failed (input
    /// gradient off by order 1) until the library stopped using oneDNN's input-gradient kernels.
    /// </summary>
    [Theory]
    [InlineData(2, 8, 1, 28, 1)]
    [InlineData(2, 4, 4, 28, 1)]
    [InlineData(2, 8, 8, 14, 1)]
    [InlineData(8, 48, 48, 28, 2)]
    [InlineData(2, 24, 8, 14, 1)]  // on session 29's machine oneDNN's forward kernels were wrong for every 3x3 convolution with 24 input channels
    public void ConvolutionsInUseMatchAnUnfoldAndMatmulReference(int batch, int inChannels, int outChannels, int size, int stride)
    {
        using var scope = NewDisposeScope();
        var g = new Generator(7);
        var x = randn(batch, inChannels, size, size, generator: g);
        var w = randn(outChannels, inChannels, 3, 3, generator: g).div_(Math.Sqrt(inChannels * 9));
        var b = randn(outChannels, generator: g);
        int outSize = (size - 1) / stride + 1;
        var upstream = randn(batch, outChannels, outSize, outSize, generator: g);

        var (y, dx, dw) = Gradients(x, w, b, upstream, (xg, wg) => RoutedConvolution.Conv2d(xg, wg, b, stride, 1));
        var (yRef, dxRef, dwRef) = Gradients(x, w, b, upstream, (xg, wg) =>
        {
            var columns = nn.functional.unfold(xg, 3, padding: 1, stride: stride);              // (batch, in*9, outSize^2)
            var product = wg.reshape(outChannels, -1).matmul(columns);                          // (batch, out, outSize^2)
            return product.reshape(batch, outChannels, outSize, outSize) + b.reshape(1, -1, 1, 1);
        });
        using (no_grad())
        {
            var inference = RoutedConvolution.Conv2d(x, w, b, stride, 1);
            AssertClose("forward without autograd", inference, yRef);
        }
        AssertClose("forward", y, yRef);
        AssertClose("input gradient", dx, dxRef);
        AssertClose("weight gradient", dw, dwRef);
        output.WriteLine($"convolutions: {OneDnn.Status}");
    }

    [Theory]
    [InlineData(ConvolutionPath.OneDnn)]
    [InlineData(ConvolutionPath.OneDnnForwardKernels)]
    public void TheCheckComparesEveryCaseAndLeavesTheSwitchAsItFoundIt(ConvolutionPath candidate)
    {
        if (!OneDnn.IsSwitchable) return;
        bool before = OneDnn.Enabled;
        var result = OneDnnConvolutionCheck.Run(candidate);
        output.WriteLine(result.ToString());
        Assert.Equal(before, OneDnn.Enabled);
        Assert.Equal(7, result.Cases);
        Assert.Matches("^(forward|backward) .+ of \\d+x\\d+x\\d+x\\d+, \\d+->\\d+ channels, \\dx\\d, stride \\d$", result.WorstCase);
        // The policy the library applied at load agrees with a fresh check: a path stays in use only where it agrees.
        if (candidate == OneDnn.Path && OneDnn.Status.Contains("self-check", StringComparison.Ordinal)) Assert.True(result.Agrees, result.ToString());
        if (candidate == ConvolutionPath.OneDnn && OneDnn.Status.Contains("oneDNN failed the self-check", StringComparison.Ordinal)) Assert.False(result.Agrees, result.ToString());
    }

    [Fact]
    public void DoctorPassesTheConvolutionCheckUnderTheDefaultPolicy()
    {
        if (Environment.GetEnvironmentVariable(OneDnn.ModeVariable) is not (null or "" or "auto")) return;
        var check = Assert.Single(EnvironmentDiagnosis.Run("cpu"), c => c.Name == "convolutions");
        output.WriteLine(check.Detail);
        Assert.True(check.Ok, check.Detail);
        Assert.Contains("in use:", check.Detail);
    }

    private static (Tensor Y, Tensor Dx, Tensor Dw) Gradients(Tensor x, Tensor w, Tensor b, Tensor upstream, Func<Tensor, Tensor, Tensor> convolution)
    {
        var xg = x.detach().requires_grad_();
        var wg = w.detach().requires_grad_();
        var y = convolution(xg, wg);
        y.backward([upstream]);
        return (y.detach(), xg.grad!.detach(), wg.grad!.detach());
    }

    private static void AssertClose(string what, Tensor actual, Tensor expected)
    {
        double scale = expected.abs().max().item<float>();
        double error = (actual - expected).abs().max().item<float>() / scale;
        Assert.True(error < 1e-4, $"{what}: relative error {error:G3} against the unfold reference (tolerance 1e-4); convolutions: {OneDnn.Status}");
    }
}
