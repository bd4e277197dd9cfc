using static TorchSharp.torch;

namespace CondDistill.Runtime;

/// <summary>
/// The 2-D convolution every library model uses (<see cref="Models.RoutedConv2d"/>): libtorch's
/// <c>conv2d</c>, except under <see cref="ConvolutionPath.OneDnnForwardKernels"/> when a gradient
/// will be taken, where <see cref="ForwardKernelConvolution"/> keeps oneDNN's faulty input-gradient
/// kernels out of the backward pass. Inference (no gradient needed) is a plain <c>conv2d</c> on every path.
/// </summary>
public static class RoutedConvolution
{
    /// <summary>Convolves along <see cref="OneDnn.Path"/>: a square kernel, the same stride and zero padding on both axes.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride, long padding) =>
        Conv2d(input, weight, bias, stride, padding, OneDnn.Path);

    /// <summary>Convolves along <paramref name="path"/>; the caller has set <see cref="OneDnn.Enabled"/> to match.</summary>
    internal static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride, long padding, ConvolutionPath path)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        bool needsGradient = is_grad_enabled() && (input.requires_grad || weight.requires_grad || bias?.requires_grad == true);
        return path == ConvolutionPath.OneDnnForwardKernels && needsGradient
            ? ForwardKernelConvolution.Apply(input, weight, bias, stride, padding)
            : nn.functional.conv2d(input, weight, bias, strides: [stride, stride], padding: [padding, padding]);
    }
}
