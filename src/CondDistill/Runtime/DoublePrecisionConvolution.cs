using static TorchSharp.torch;

namespace CondDistill.Runtime;

/// <summary>
/// A 2-D convolution computed in float64 and returned in the input's precision, differentiated by
/// autograd through the casts. libtorch has no oneDNN (or NNPACK) convolution for float64, so the
/// forward pass and both gradients always run on its reference kernels (im2col and matrix product),
/// whatever <see cref="OneDnn.Enabled"/> says and without touching that process-wide switch. The
/// reference <see cref="VerifiedConvolutions"/> checks oneDNN against, and the fallback for a geometry
/// where oneDNN fails that check. Run to run it gives the same bits for the same inputs; an
/// unfold-and-matmul float32 convolution, tried first, did not (last-bit differences between two
/// calls with identical inputs on session 29's machine, which broke the tests that a zero-initialised
/// adapter leaves its backbone's output bit for bit unchanged).
/// </summary>
public static class DoublePrecisionConvolution
{
    /// <summary>Convolves with a square kernel, the same stride and zero padding on both axes.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride, long padding)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        return nn.functional.conv2d(input.to(float64), weight.to(float64), bias?.to(float64),
            strides: [stride, stride], padding: [padding, padding]).to(input.dtype);
    }
}
