using System.Collections.Concurrent;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Runtime;

/// <summary>
/// Under <see cref="ConvolutionPath.OneDnnForwardKernels"/>, each convolution geometry is checked once
/// per process, the first time a layer meets it, before oneDNN computes it: random inputs of exactly
/// that geometry go through oneDNN (forward; with gradients, also the input gradient as a forward
/// convolution and the weight and bias gradients, <see cref="ForwardKernelConvolution"/>) and through
/// <see cref="DoublePrecisionConvolution"/>. A geometry where they disagree is computed by
/// <see cref="DoublePrecisionConvolution"/> from then on (only its backward pass, where only the gradients
/// disagree), with one line on stderr. On the machine type where
/// oneDNN is faulty, its forward kernels were wrong (relative error about 0.2) for every 3x3
/// convolution with 24 input channels tried (180 of 3,456 geometries: batch 2 to 64, 1 to 48
/// channels, 7x7 to 28x28), and right for all others; a fixed sample of shapes cannot rule out such
/// a class, so each geometry is checked as it comes.
/// </summary>
public static class VerifiedConvolutions
{
    private static readonly ConcurrentDictionary<ConvolutionGeometry, ConvolutionVerdict> verdicts = new();

    /// <summary>Every geometry checked so far in this process, with its verdict.</summary>
    public static IReadOnlyCollection<ConvolutionVerdict> Verdicts => verdicts.Values.ToArray();

    /// <summary>Whether oneDNN may compute <paramref name="geometry"/>: checks it on first sight, then remembers.</summary>
    internal static bool Passes(ConvolutionGeometry geometry)
    {
        if (verdicts.TryGetValue(geometry, out var known)) return known.Agrees;
        var verdict = Verify(geometry);
        if (verdicts.TryAdd(geometry, verdict) && !verdict.Agrees)
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"CondDistill: oneDNN is wrong for the convolution {geometry} (relative error {verdict.WorstRelativeError:G3} in the {verdict.WorstPass}); {(geometry.Gradient ? "its gradients come from" : "that geometry uses")} float64 reference convolutions (correct, slower)."));
        return verdict.Agrees;
    }

    /// <summary>
    /// Compares oneDNN with <see cref="DoublePrecisionConvolution"/> on random inputs of <paramref name="geometry"/>
    /// (fixed seed; the caller's random state is untouched).
    /// </summary>
    public static ConvolutionVerdict Verify(ConvolutionGeometry geometry) =>
        Verify(geometry, (x, w, b, stride, padding, gradient) => gradient
            ? ForwardKernelConvolution.Apply(x, w, b, stride, padding)
            : nn.functional.conv2d(x, w, b, strides: [stride, stride], padding: [padding, padding]));

    /// <summary>
    /// <see cref="Verify(ConvolutionGeometry)"/> with the convolution under test given (tests use a
    /// deliberately wrong one): (input, weight, bias, stride, padding, gradient) -> output.
    /// </summary>
    internal static ConvolutionVerdict Verify(ConvolutionGeometry geometry, Func<Tensor, Tensor, Tensor?, long, long, bool, Tensor> candidate)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(20261203);
        var g = geometry;
        var x = randn(g.Batch, g.InChannels, g.Height, g.Width, generator: generator);
        var w = randn(g.OutChannels, g.InChannels, g.Kernel, g.Kernel, generator: generator).div_(Math.Sqrt(g.InChannels * g.Kernel * g.Kernel));
        var b = g.Bias ? randn(g.OutChannels, generator: generator) : null;
        var (outHeight, outWidth) = g.OutputSize;
        var upstream = randn(g.Batch, g.OutChannels, outHeight, outWidth, generator: generator);

        Tensor?[] Passes(Func<Tensor, Tensor, Tensor?, Tensor> convolution)
        {
            if (!g.Gradient)
            {
                using var noGrad = no_grad();
                return [convolution(x, w, b)];
            }
            using var enableGrad = enable_grad();
            var xg = x.detach().requires_grad_();
            var wg = w.detach().requires_grad_();
            var bg = b?.detach().requires_grad_();
            var y = convolution(xg, wg, bg);
            y.backward([upstream]);
            return [y.detach(), xg.grad!.detach(), wg.grad!.detach(), bg?.grad!.detach()];
        }

        var tested = Passes((xi, wi, bi) => candidate(xi, wi, bi, g.Stride, g.Padding, g.Gradient));
        var reference = Passes((xi, wi, bi) => DoublePrecisionConvolution.Conv2d(xi, wi, bi, g.Stride, g.Padding));
        double worst = 0, worstRank = -1;
        string worstPass = PassNames[0];
        for (int i = 0; i < tested.Length; i++)
        {
            if (tested[i] is null || reference[i] is null) continue;
            double error = OneDnnConvolutionCheck.RelativeError(tested[i]!, reference[i]!);
            double rank = double.IsNaN(error) ? double.PositiveInfinity : error;
            if (rank <= worstRank) continue;
            (worst, worstRank, worstPass) = (error, rank, PassNames[i]);
        }
        return new ConvolutionVerdict(geometry, worst, worstPass);
    }

    /// <summary>Records a verdict without checking (tests).</summary>
    internal static void Record(ConvolutionVerdict verdict) => verdicts[verdict.Geometry] = verdict;

    /// <summary>Forgets every verdict (tests).</summary>
    internal static void Forget() => verdicts.Clear();

    private static readonly string[] PassNames = ["forward", "input gradient", "weight gradient", "bias gradient"];
}
