using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Runtime;

/// <summary>
/// A 2-D convolution (square kernel, equal stride and zero padding on both axes, no dilation or
/// groups) whose backward pass never calls oneDNN's input-gradient kernels, for
/// <see cref="ConvolutionPath.OneDnnForwardKernels"/>.
/// <para>
/// For y = conv(x, w, stride s, padding p) with a k x k kernel, the input gradient is the transposed
/// convolution of the output gradient g, which equals a stride-1 forward convolution:
/// dL/dx = conv(pad(dilate_s(g)), flip(w)^T), where dilate_s puts s - 1 zeros between neighbouring
/// rows and columns of g, flip(w)^T swaps w's channel axes and turns each kernel by 180 degrees, and
/// pad adds k - 1 - p zeros before and whatever makes the result x's size after. The weight gradient
/// comes from oneDNN's weight-gradient kernels by differentiating a recomputed forward pass with
/// respect to the weight only (one extra forward convolution per layer and step); the bias gradient
/// is the sum of g over batch and space. Where those gradients fail their check
/// (<see cref="VerifiedConvolutions"/>) but the forward pass passes, the backward pass instead
/// differentiates a recomputed <see cref="DoublePrecisionConvolution"/>, so the forward pass stays oneDNN's and
/// equals inference bit for bit.
/// </para>
/// </summary>
internal sealed class ForwardKernelConvolution : autograd.MultiTensorFunction<ForwardKernelConvolution>
{
    private const string StrideKey = "stride", PaddingKey = "padding", HasBiasKey = "has_bias", DoublePrecisionBackwardKey = "double_precision_backward";

    /// <inheritdoc/>
    public override string Name => nameof(ForwardKernelConvolution);

    /// <summary>Convolves <paramref name="input"/> with <paramref name="weight"/> (and <paramref name="bias"/>).</summary>
    /// <param name="input">[N, C, H, W].</param>
    /// <param name="weight">[O, C, k, k].</param>
    /// <param name="bias">[O], or null.</param>
    /// <param name="stride">Stride on both axes.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="doublePrecisionBackward">Differentiate through <see cref="DoublePrecisionConvolution"/> instead of oneDNN's kernels.</param>
    public static Tensor Apply(Tensor input, Tensor weight, Tensor? bias, long stride, long padding, bool doublePrecisionBackward = false) =>
        bias is null
            ? apply(input, weight, stride, padding, doublePrecisionBackward)[0]
            : apply(input, weight, bias, stride, padding, doublePrecisionBackward)[0];

    /// <inheritdoc/>
    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        bool hasBias = vars.Length == 6;
        var input = (Tensor)vars[0];
        var weight = (Tensor)vars[1];
        var bias = hasBias ? (Tensor)vars[2] : null;
        int next = hasBias ? 3 : 2;
        long stride = (long)vars[next], padding = (long)vars[next + 1];
        bool doublePrecisionBackward = (bool)vars[next + 2];
        ctx.save_for_backward(bias is null ? [input, weight] : [input, weight, bias]);
        ctx.save_data(DoublePrecisionBackwardKey, doublePrecisionBackward);
        ctx.save_data(StrideKey, stride);
        ctx.save_data(PaddingKey, padding);
        ctx.save_data(HasBiasKey, hasBias);
        return [nn.functional.conv2d(input, weight, bias, strides: [stride, stride], padding: [padding, padding])];
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grads)
    {
        var saved = ctx.get_saved_variables();
        Tensor input = saved[0], weight = saved[1], gradOutput = grads[0];
        long stride = (long)ctx.get_data(StrideKey), padding = (long)ctx.get_data(PaddingKey);
        bool hasBias = (bool)ctx.get_data(HasBiasKey);
        List<Tensor> result = (bool)ctx.get_data(DoublePrecisionBackwardKey)
            ? DoublePrecisionGradients(input, weight, hasBias ? saved[2] : null, gradOutput, stride, padding)
            : [
                input.requires_grad ? InputGradient(gradOutput, weight, input.shape, stride, padding) : null!,
                weight.requires_grad ? WeightGradient(input, weight, gradOutput, stride, padding) : null!,
            ];
        if (hasBias && result.Count == 2) result.Add(gradOutput.sum([0, 2, 3]));
        result.Add(null!); // stride
        result.Add(null!); // padding
        result.Add(null!); // doublePrecisionBackward
        return result;
    }

    /// <summary>dL/dx as a stride-1 forward convolution of the (dilated, padded) output gradient with flip(w)^T.</summary>
    internal static Tensor InputGradient(Tensor gradOutput, Tensor weight, long[] inputShape, long stride, long padding)
    {
        using var noGrad = no_grad();
        long kernel = weight.shape[2];
        var g = gradOutput;
        if (stride > 1)
        {
            var dilated = zeros(g.shape[0], g.shape[1], (g.shape[2] - 1) * stride + 1, (g.shape[3] - 1) * stride + 1, g.dtype, g.device);
            dilated[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(null, null, stride), TensorIndex.Slice(null, null, stride)] = g;
            g = dilated;
        }
        long before = kernel - 1 - padding;
        long afterH = inputShape[2] + kernel - 1 - before - g.shape[2];
        long afterW = inputShape[3] + kernel - 1 - before - g.shape[3];
        var padded = nn.functional.pad(g, [before, afterW, before, afterH]);
        return nn.functional.conv2d(padded, weight.flip(2, 3).transpose(0, 1));
    }

    /// <summary>The input, weight (and bias) gradients of a recomputed <see cref="DoublePrecisionConvolution"/>; null for an input that needs none.</summary>
    private static List<Tensor> DoublePrecisionGradients(Tensor input, Tensor weight, Tensor? bias, Tensor gradOutput, long stride, long padding)
    {
        using var enableGrad = enable_grad();
        var x = input.detach().requires_grad_(input.requires_grad);
        var w = weight.detach().requires_grad_(weight.requires_grad);
        var b = bias?.detach().requires_grad_(bias.requires_grad);
        var y = DoublePrecisionConvolution.Conv2d(x, w, b, stride, padding);
        List<Tensor> wanted = [.. new[] { x, w, b }.Where(t => t is not null && t.requires_grad).Select(t => t!)];
        var grads = autograd.grad([y], wanted, [gradOutput]);
        var byInput = wanted.Zip(grads).ToDictionary(p => p.First.Handle, p => p.Second);
        List<Tensor> result = [byInput.GetValueOrDefault(x.Handle)!, byInput.GetValueOrDefault(w.Handle)!];
        if (b is not null) result.Add(byInput.GetValueOrDefault(b.Handle)!);
        return result;
    }

    /// <summary>dL/dw from oneDNN's weight-gradient kernels, through a recomputed forward pass in which only the weight requires a gradient.</summary>
    private static Tensor WeightGradient(Tensor input, Tensor weight, Tensor gradOutput, long stride, long padding)
    {
        using var enableGrad = enable_grad();
        var w = weight.detach().requires_grad_();
        var y = nn.functional.conv2d(input.detach(), w, null, strides: [stride, stride], padding: [padding, padding]);
        return autograd.grad([y], [w], [gradOutput])[0];
    }
}
