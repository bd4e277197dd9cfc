using CondDistill.Runtime;
using static TorchSharp.torch;

namespace CondDistill.Tests.Runtime;

[Collection(OneDnnSwitchCollection.Name)]
public sealed class DoublePrecisionConvolutionTests
{
    /// <summary>The float64 convolution, forward and every gradient, equals libtorch's reference convolutions (oneDNN off).</summary>
    [Theory]
    [MemberData(nameof(ForwardKernelConvolutionTests.Shapes), MemberType = typeof(ForwardKernelConvolutionTests))]
    public void ItEqualsLibtorchsReferenceConvolution(int batch, int inChannels, int outChannels, int size, int kernel, int stride, int padding, bool bias)
    {
        using var scope = NewDisposeScope();
        using var path = new ConvolutionPathOverride(ConvolutionPath.Reference);
        var (x, w, b, upstream) = ForwardKernelConvolutionTests.Inputs(batch, inChannels, outChannels, size, kernel, stride, padding, bias);

        var float64 = ForwardKernelConvolutionTests.Gradients(x, w, b, upstream, (xg, wg, bg) => DoublePrecisionConvolution.Conv2d(xg, wg, bg, stride, padding));
        var reference = ForwardKernelConvolutionTests.Gradients(x, w, b, upstream,
            (xg, wg, bg) => nn.functional.conv2d(xg, wg, bg, strides: [stride, stride], padding: [padding, padding]));

        string[] names = ["forward", "input gradient", "weight gradient", "bias gradient"];
        for (int i = 0; i < float64.Length; i++)
        {
            if (reference[i] is null) { Assert.Null(float64[i]); continue; }
            ForwardKernelConvolutionTests.AssertClose(names[i], float64[i]!, reference[i]!);
        }
    }
}
