namespace CondDistill.Runtime;

/// <summary>
/// How the library's convolution layers (<see cref="Models.RoutedConv2d"/>) compute their forward
/// pass and gradients on the CPU. <see cref="OneDnn"/> chooses one when the library loads.
/// </summary>
public enum ConvolutionPath
{
    /// <summary>libtorch's oneDNN kernels for the forward pass and both gradients (libtorch's default).</summary>
    OneDnn,

    /// <summary>
    /// oneDNN, but never its input-gradient (backward-data) kernels: the input gradient is computed as
    /// a forward convolution of the output gradient with the flipped, transposed kernel (zero-dilated
    /// first for strided layers), and the weight gradient by oneDNN's weight-gradient kernels. For CPUs
    /// where only oneDNN's backward-data kernels fail the self-check (<see cref="ForwardKernelConvolution"/>).
    /// </summary>
    OneDnnForwardKernels,

    /// <summary>libtorch's reference convolutions (im2col and matrix product); oneDNN off. Correct but several times slower.</summary>
    Reference,
}
