using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Runtime;

/// <summary>
/// The 2-D convolution every library model uses (<see cref="Models.RoutedConv2d"/>): libtorch's
/// <c>conv2d</c> on <see cref="ConvolutionPath.OneDnn"/> and <see cref="ConvolutionPath.Reference"/>.
/// On <see cref="ConvolutionPath.OneDnnForwardKernels"/> (CPU tensors), each geometry is first
/// checked (<see cref="VerifiedConvolutions"/>), the forward pass and the gradients separately. A
/// forward pass that fails runs as <see cref="DoublePrecisionConvolution"/>, gradients included; one that
/// passes runs on oneDNN, in training and inference alike, so both give the same bits. When a
/// gradient will be taken the call goes through <see cref="ForwardKernelConvolution"/>, which keeps
/// oneDNN's faulty input-gradient kernels out of the backward pass, and which differentiates an
/// float64 convolution instead where its own gradients failed their check.
/// </summary>
public static class RoutedConvolution
{
    /// <summary>Convolves along <see cref="OneDnn.Path"/>: a square kernel, the same stride and zero padding on both axes.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride, long padding)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        bool needsGradient = NeedsGradient(input, weight, bias);
        if (OneDnn.Path != ConvolutionPath.OneDnnForwardKernels || input.device_type != DeviceType.CPU)
            return Unchecked(input, weight, bias, stride, padding, ConvolutionPath.OneDnn);
        var inference = ConvolutionGeometry.Of(input, weight, bias is not null, stride, padding, gradient: false);
        if (!VerifiedConvolutions.Passes(inference)) return DoublePrecisionConvolution.Conv2d(input, weight, bias, stride, padding);
        if (!needsGradient) return nn.functional.conv2d(input, weight, bias, strides: [stride, stride], padding: [padding, padding]);
        bool gradientsPass = VerifiedConvolutions.Passes(inference with { Gradient = true });
        return ForwardKernelConvolution.Apply(input, weight, bias, stride, padding, doublePrecisionBackward: !gradientsPass);
    }

    /// <summary>
    /// Convolves as <paramref name="path"/> computes it, without the per-geometry check; which
    /// kernels libtorch runs also depends on <see cref="OneDnn.Enabled"/>, which the caller sets.
    /// </summary>
    internal static Tensor Unchecked(Tensor input, Tensor weight, Tensor? bias, long stride, long padding, ConvolutionPath path) =>
        path == ConvolutionPath.OneDnnForwardKernels && NeedsGradient(input, weight, bias)
            ? ForwardKernelConvolution.Apply(input, weight, bias, stride, padding)
            : nn.functional.conv2d(input, weight, bias, strides: [stride, stride], padding: [padding, padding]);

    private static bool NeedsGradient(Tensor input, Tensor weight, Tensor? bias) =>
        is_grad_enabled() && (input.requires_grad || weight.requires_grad || bias?.requires_grad == true);
}
