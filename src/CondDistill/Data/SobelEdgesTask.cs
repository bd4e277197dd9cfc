using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace CondDistill.Data;

/// <summary>
/// Edges-to-image (a stand-in for depth/canny-to-image): the condition is the Sobel gradient
/// magnitude of the image in [0, 1] space (u = (x + 1) / 2, borders replicate-padded so a constant
/// image has no edges), divided by its largest possible value sqrt(20) (reached by a 3x3 patch of
/// [0,1] values, e.g. rows 0 0 1 / 0 . 1 / 0 1 1) and mapped to [-1, 1]: c = 2 |grad u| / sqrt(20) - 1.
/// So no edge is -1 and a full 0-to-1 vertical or horizontal step gives 2 * 4 / sqrt(20) - 1 = 0.789.
/// 1 channel; deterministic, ignores seed and indices. Consistency: per-sample MSE between the
/// edge map of the output and the condition.
/// </summary>
public sealed class SobelEdgesTask : ConditionTask
{
    /// <summary>Largest Sobel gradient magnitude of an image with values in [0, 1]: sqrt(4^2 + 2^2) = sqrt(20), e.g. d/dx = 4, d/dy = 2.</summary>
    public static readonly double MaxMagnitude = Math.Sqrt(20.0);

    /// <inheritdoc/>
    public override string Name => "edges";

    /// <inheritdoc/>
    public override int ConditionChannels => 1;

    /// <inheritdoc/>
    public override string Description => "edges: Sobel gradient magnitude of the [0,1] image / sqrt(20), mapped to [-1, 1]";

    /// <summary>Sobel gradient magnitude |grad u| of u = (x + 1) / 2, replicate-padded, [N, 1, H, W], in [0, sqrt(20)].</summary>
    /// <param name="images">[N, 1, H, W] in [-1, 1].</param>
    public static torch.Tensor SobelMagnitude(torch.Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        var unit = images.add(1.0).div(2.0);
        var padded = pad(unit, [1, 1, 1, 1], PaddingModes.Replicate);
        var kernels = torch.tensor(new float[]
        {
            -1, 0, 1, -2, 0, 2, -1, 0, 1, // d/dx: right minus left
            -1, -2, -1, 0, 0, 0, 1, 2, 1, // d/dy: bottom minus top
        }, [2, 1, 3, 3]).to(images.dtype).to(images.device);
        var gradients = conv2d(padded, kernels);
        return gradients.square().sum(1, keepdim: true).sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>The normalised edge map 2 |grad u| / sqrt(20) - 1, [N, 1, H, W] in [-1, 1].</summary>
    /// <param name="images">[N, 1, H, W] in [-1, 1].</param>
    public static torch.Tensor EdgeMap(torch.Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        return SobelMagnitude(images).mul(2.0 / MaxMagnitude).sub(1.0).clamp(-1.0, 1.0).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override torch.Tensor ComputeConditions(torch.Tensor images, long[] datasetIndices, int seed) => EdgeMap(images);

    /// <inheritdoc/>
    protected override torch.Tensor MeasureInconsistency(torch.Tensor outputs, torch.Tensor conditions) =>
        PerSampleMean(EdgeMap(outputs).sub(conditions).square());
}
