using System.Globalization;
using static TorchSharp.torch;

namespace CondDistill.Runtime;

/// <summary>
/// Everything about a 2-D convolution call that can change which kernel oneDNN picks: the input's
/// shape (batch included), the output channels, kernel, stride and padding, whether there is a bias,
/// and whether gradients are taken.
/// </summary>
/// <param name="Batch">Input batch size.</param>
/// <param name="InChannels">Input channels.</param>
/// <param name="Height">Input height.</param>
/// <param name="Width">Input width.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="Kernel">Side of the square kernel.</param>
/// <param name="Stride">Stride on both axes.</param>
/// <param name="Padding">Zero padding on every side.</param>
/// <param name="Bias">Whether a bias is added.</param>
/// <param name="Gradient">Whether the call is differentiated (forward and backward kernels), or inference only.</param>
public readonly record struct ConvolutionGeometry(
    long Batch, long InChannels, long Height, long Width, long OutChannels, long Kernel, long Stride, long Padding, bool Bias, bool Gradient)
{
    /// <summary>The geometry of convolving <paramref name="input"/> with <paramref name="weight"/>.</summary>
    public static ConvolutionGeometry Of(Tensor input, Tensor weight, bool bias, long stride, long padding, bool gradient) =>
        new(input.shape[0], input.shape[1], input.shape[2], input.shape[3], weight.shape[0], weight.shape[2], stride, padding, bias, gradient);

    /// <summary>Output height and width.</summary>
    public (long Height, long Width) OutputSize => ((Height + 2 * Padding - Kernel) / Stride + 1, (Width + 2 * Padding - Kernel) / Stride + 1);

    /// <summary>For example "64x48x28x28 -> 1 channels, 3x3, stride 1, padding 1, with gradients".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Batch}x{InChannels}x{Height}x{Width} -> {OutChannels} channels, {Kernel}x{Kernel}, stride {Stride}, padding {Padding}{(Bias ? "" : ", no bias")}, {(Gradient ? "with gradients" : "inference")}");
}
