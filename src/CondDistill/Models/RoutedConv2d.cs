using CondDistill.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>
/// A 2-D convolution layer with the parameters, names and initialisation of TorchSharp's
/// <c>nn.Conv2d</c> (square kernel, equal stride and zero padding on both axes, no dilation or groups),
/// whose forward pass goes through <see cref="RoutedConvolution"/>, so the process's
/// <see cref="ConvolutionPath"/> decides how its gradients are computed. Checkpoints written with
/// <c>nn.Conv2d</c> layers load unchanged (the same <c>weight</c> and <c>bias</c> tensors).
/// </summary>
public sealed class RoutedConv2d : Convolution
{
    /// <summary>Creates the layer with PyTorch's default initialisation (<see cref="ParameterInit.Reset"/> re-draws it from a generator).</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernelSize">Side of the square kernel.</param>
    /// <param name="stride">Stride on both axes.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    public RoutedConv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool bias = true)
        : base(nameof(RoutedConv2d), inChannels, outChannels, Square(Checked(kernelSize, stride, padding)), [stride, stride], [padding, padding], null,
            [1, 1], false, [0, 0], 1, bias, PaddingModes.Zeros, null, null)
    {
    }

    /// <summary>Returns <paramref name="kernelSize"/> when the geometry is one the layer supports (checked before the base class allocates anything).</summary>
    private static long Checked(long kernelSize, long stride, long padding) =>
        kernelSize >= 1 && stride >= 1 && padding >= 0 && padding < kernelSize
            ? kernelSize
            : throw new ArgumentOutOfRangeException(nameof(kernelSize),
                $"RoutedConv2d needs kernel >= 1, stride >= 1 and 0 <= padding < kernel (got kernel {kernelSize}, stride {stride}, padding {padding})");

    private static long[] Square(long side) => [side, side];

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) =>
        RoutedConvolution.Conv2d(input, weight!, bias, stride[0], padding![0]);
}
