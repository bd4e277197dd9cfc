using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Runtime;

/// <summary>
/// Compares a convolution path (libtorch's oneDNN kernels, or oneDNN with input gradients as forward
/// convolutions) with libtorch's reference (im2col and matrix product) path on small convolutions of
/// the shapes the UNet uses: the forward pass with and without autograd, and the input, weight and
/// bias gradients. On one CPU seen here (AMD EPYC, family 26, AVX-512; libtorch 2.10, oneDNN 3.7.1)
/// oneDNN's AVX-512 and AVX2 kernels returned wrong input gradients (errors of order 1, and NaN) for
/// convolutions with few channels and for strided ones; training on that machine turned the loss to
/// NaN within 13 steps. Over the base-48 UNet's 30 distinct convolution shapes at batch 64 (3 seeds
/// each), only the input gradients of the output convolution (48->1) and of the stride-2 48->48
/// convolution were wrong there; every forward pass and weight gradient agreed within 1e-5, which is
/// what <see cref="ConvolutionPath.OneDnnForwardKernels"/> builds on.
/// </summary>
public static class OneDnnConvolutionCheck
{
    /// <summary>
    /// Largest relative difference accepted. Both paths are float32: on a correct machine the
    /// differences measured were below 1e-5 of the largest value; the faults were of order 1.
    /// </summary>
    public const double Tolerance = 1e-3;

    /// <summary>(batch, in channels, out channels, size, kernel, stride) of each case.</summary>
    private static readonly (int Batch, int In, int Out, int Size, int Kernel, int Stride)[] Cases =
    [
        (2, 1, 8, 28, 3, 1),   // the UNet's input convolution
        (2, 8, 1, 28, 3, 1),   // its output convolution
        (2, 4, 4, 28, 3, 1),
        (2, 8, 8, 14, 3, 1),
        (2, 16, 16, 14, 3, 2), // a downsampling convolution
        (2, 16, 48, 7, 1, 1),  // an attention projection
        (8, 48, 48, 28, 3, 2),
    ];

    /// <summary>
    /// Runs every case along <paramref name="candidate"/> and along the reference path and reports the
    /// worst disagreement. Leaves <see cref="OneDnn.Enabled"/> as it found it.
    /// </summary>
    /// <param name="candidate">
    /// The path to check: <see cref="ConvolutionPath.OneDnn"/> (libtorch's oneDNN kernels throughout) or
    /// <see cref="ConvolutionPath.OneDnnForwardKernels"/> (<see cref="ForwardKernelConvolution"/>, without the per-geometry check of <see cref="VerifiedConvolutions"/>,
    /// so the input gradient comes from oneDNN's forward kernels).
    /// </param>
    /// <exception cref="PlatformNotSupportedException">When the oneDNN switch is not reachable (<see cref="OneDnn.IsSwitchable"/>).</exception>
    public static OneDnnCheckResult Run(ConvolutionPath candidate = ConvolutionPath.OneDnn)
    {
        if (!OneDnn.IsSwitchable) throw new PlatformNotSupportedException("the oneDNN switch is not reachable on this platform, so the two paths cannot be compared");
        bool wasEnabled = OneDnn.Enabled;
        double worst = 0, worstRank = -1;
        string worstCase = "none";
        try
        {
            foreach (var c in Cases)
            {
                using var scope = NewDisposeScope();
                var generator = new Generator(20261203);
                var x = randn(c.Batch, c.In, c.Size, c.Size, generator: generator);
                var w = randn(c.Out, c.In, c.Kernel, c.Kernel, generator: generator).div_(Math.Sqrt(c.In * c.Kernel * c.Kernel));
                var b = randn(c.Out, generator: generator);
                int outSize = (c.Size + 2 * (c.Kernel / 2) - c.Kernel) / c.Stride + 1;
                var upstream = randn(c.Batch, c.Out, outSize, outSize, generator: generator);
                var candidatePasses = Passes(x, w, b, upstream, c.Kernel, c.Stride, candidate);
                var reference = Passes(x, w, b, upstream, c.Kernel, c.Stride, ConvolutionPath.Reference);
                string shape = string.Create(CultureInfo.InvariantCulture,
                    $"{c.Batch}x{c.In}x{c.Size}x{c.Size}, {c.In}->{c.Out} channels, {c.Kernel}x{c.Kernel}, stride {c.Stride}");
                for (int i = 0; i < PassNames.Length; i++)
                {
                    double error = RelativeError(candidatePasses[i], reference[i]);
                    double rank = double.IsNaN(error) ? double.PositiveInfinity : error;
                    if (rank <= worstRank) continue;
                    (worst, worstRank, worstCase) = (error, rank, $"{PassNames[i]} of {shape}");
                }
            }
        }
        finally { OneDnn.Enabled = wasEnabled; }
        return new OneDnnCheckResult(worst, worstCase, Cases.Length);
    }

    private static readonly string[] PassNames = ["forward without autograd", "forward with autograd", "backward (input gradient)", "backward (weight gradient)", "backward (bias gradient)"];

    private static Tensor[] Passes(Tensor x, Tensor w, Tensor b, Tensor upstream, int kernel, int stride, ConvolutionPath path)
    {
        OneDnn.Enabled = path != ConvolutionPath.Reference;
        Tensor inference;
        using (no_grad()) inference = RoutedConvolution.Unchecked(x, w, b, stride, kernel / 2, path);
        var xg = x.detach().requires_grad_();
        var wg = w.detach().requires_grad_();
        var bg = b.detach().requires_grad_();
        var y = RoutedConvolution.Unchecked(xg, wg, bg, stride, kernel / 2, path);
        y.backward([upstream]);
        return [inference, y.detach(), xg.grad!.detach(), wg.grad!.detach(), bg.grad!.detach()];
    }

    /// <summary>max|a - b| / max|b|, or NaN when either holds a NaN.</summary>
    internal static double RelativeError(Tensor actual, Tensor reference)
    {
        double scale = reference.abs().max().item<float>();
        double difference = (actual - reference).abs().max().item<float>();
        return double.IsNaN(difference) || double.IsNaN(scale) ? double.NaN : difference / Math.Max(scale, 1e-12);
    }
}
