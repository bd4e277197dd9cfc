using CondDistill.Runtime;
using static TorchSharp.torch;

namespace CondDistill.Tests.Runtime;

[Collection(OneDnnSwitchCollection.Name)]
public sealed class VerifiedConvolutionsTests
{
    private static readonly ConvolutionGeometry Geometry = new(2, 3, 9, 9, 4, 3, 1, 1, Bias: true, Gradient: true);

    // The deliberately wrong candidates are built on the float64 convolution, not on libtorch's float32
    // conv2d: on session 29's machine oneDNN's own input gradients are wrong, sometimes by more than the
    // planted error, which made the worst pass flip between runs.
    [Fact]
    public void AConvolutionWithAWrongForwardPassFailsNamingThePass()
    {
        var verdict = VerifiedConvolutions.Verify(Geometry, (x, w, b, stride, padding, _) =>
            DoublePrecisionConvolution.Conv2d(x, w, b, stride, padding) + 0.5);
        Assert.False(verdict.Agrees);
        Assert.Equal("forward", verdict.WorstPass);
        Assert.InRange(verdict.WorstRelativeError, 0.01, 10);
    }

    [Fact]
    public void AConvolutionWithARightForwardPassButNoInputGradientFailsOnTheInputGradient()
    {
        var verdict = VerifiedConvolutions.Verify(Geometry, (x, w, b, stride, padding, _) =>
            DoublePrecisionConvolution.Conv2d(x.detach(), w, b, stride, padding) + 0 * x.sum());
        Assert.False(verdict.Agrees);
        Assert.Equal("input gradient", verdict.WorstPass);
        Assert.Equal(1.0, verdict.WorstRelativeError, 6);
    }

    [Fact]
    public void AnInferenceGeometryComparesTheForwardPassOnly()
    {
        var inference = Geometry with { Gradient = false };
        var verdict = VerifiedConvolutions.Verify(inference, (x, w, b, stride, padding, gradient) =>
        {
            Assert.False(gradient);
            Assert.False(is_grad_enabled());
            return DoublePrecisionConvolution.Conv2d(x, w, b, stride, padding);
        });
        Assert.True(verdict.Agrees, verdict.ToString());
        Assert.Equal(0.0, verdict.WorstRelativeError);
    }

    /// <summary>On the forward-kernel path, a geometry whose forward pass failed its check is computed by the float64 convolution, gradients included.</summary>
    [Fact]
    public void AGeometryWhoseForwardPassFailedIsComputedInFloat64()
    {
        var (routed, float64) = RouteWithAFailedVerdict(Geometry with { Gradient = false });
        for (int i = 0; i < routed.Length; i++)
            Assert.Equal(float64[i]!.data<float>().ToArray(), routed[i]!.data<float>().ToArray());
    }

    /// <summary>Where only the gradients failed, the forward pass stays oneDNN's (the same bits as inference) and the gradients are the float64 convolution's.</summary>
    [Fact]
    public void AGeometryWhoseGradientsFailedKeepsItsForwardPassAndTakesDoublePrecisionGradients()
    {
        var (routed, float64) = RouteWithAFailedVerdict(Geometry);
        if (routed.Length == 0) return;
        var (x, w, b, _) = ForwardKernelConvolutionTests.Inputs(2, 3, 4, 9, 3, 1, 1, bias: true);
        using (no_grad())
            Assert.Equal(RoutedConvolution.Conv2d(x, w, b, 1, 1).data<float>().ToArray(), routed[0]!.data<float>().ToArray());
        for (int i = 1; i < routed.Length; i++)
            Assert.Equal(float64[i]!.data<float>().ToArray(), routed[i]!.data<float>().ToArray());
    }

    private static (Tensor?[] Routed, Tensor?[] Float64) RouteWithAFailedVerdict(ConvolutionGeometry failed)
    {
        if (!OneDnn.IsSwitchable) return ([], []);
        using var path = new ConvolutionPathOverride(ConvolutionPath.OneDnnForwardKernels);
        var (x, w, b, upstream) = ForwardKernelConvolutionTests.Inputs(2, 3, 4, 9, 3, 1, 1, bias: true);
        VerifiedConvolutions.Record(new ConvolutionVerdict(failed, double.NaN, "forward"));
        try
        {
            return (ForwardKernelConvolutionTests.Gradients(x, w, b, upstream, (xg, wg, bg) => RoutedConvolution.Conv2d(xg, wg, bg, 1, 1)),
                ForwardKernelConvolutionTests.Gradients(x, w, b, upstream, (xg, wg, bg) => DoublePrecisionConvolution.Conv2d(xg, wg, bg, 1, 1)));
        }
        finally { VerifiedConvolutions.Forget(); }
    }

    [Fact]
    public void OnTheForwardKernelPathEachGeometryIsCheckedOnceAndRemembered()
    {
        if (!OneDnn.IsSwitchable) return;
        using var scope = NewDisposeScope();
        using var path = new ConvolutionPathOverride(ConvolutionPath.OneDnnForwardKernels);
        var geometry = new ConvolutionGeometry(3, 5, 11, 11, 2, 3, 2, 1, Bias: false, Gradient: false);
        Assert.DoesNotContain(VerifiedConvolutions.Verdicts, v => v.Geometry == geometry);
        using (no_grad()) RoutedConvolution.Conv2d(randn(3, 5, 11, 11), randn(2, 5, 3, 3), null, 2, 1);
        var verdict = Assert.Single(VerifiedConvolutions.Verdicts, v => v.Geometry == geometry);
        Assert.True(verdict.Agrees, $"{verdict}; convolutions: {OneDnn.Status}");
    }

    [Fact]
    public void TheGeometryReadsAsShapeKernelStrideAndMode() =>
        Assert.Equal("64x48x28x28 -> 1 channels, 3x3, stride 1, padding 1, with gradients",
            new ConvolutionGeometry(64, 48, 28, 28, 1, 3, 1, 1, Bias: true, Gradient: true).ToString());
}
