using TorchSharp;

namespace CondDistill.Data;

/// <summary>
/// Box inpainting: one axis-aligned box per sample is hidden. The condition has 2 channels:
/// channel 0 is the masked image, x where known and <see cref="FillValue"/> = 0 (mid-grey, distinct
/// from the -1 background) in the hole, i.e. x * mask; channel 1 is the mask, 1 on KNOWN pixels
/// and 0 in the hole. The box is drawn per sample from (seed, dataset index): its size uniformly
/// among all (height, width) with area between 20 % and 50 % of the image (inclusive, in whole
/// pixels) and aspect ratio at most 2, then its position uniformly among the placements inside
/// the image. Consistency: per-sample MSE between output and condition over the known pixels.
/// </summary>
public sealed class BoxInpaintingTask : ConditionTask
{
    /// <summary>Smallest share of the image a box covers.</summary>
    public const double MinAreaFraction = 0.2;

    /// <summary>Largest share of the image a box covers.</summary>
    public const double MaxAreaFraction = 0.5;

    /// <summary>Largest ratio of the longer to the shorter box side.</summary>
    public const double MaxAspectRatio = 2.0;

    /// <summary>Value of the hole in the masked-image channel.</summary>
    public const float FillValue = 0f;

    /// <inheritdoc/>
    public override string Name => "inpaint";

    /// <inheritdoc/>
    public override int ConditionChannels => 2;

    /// <inheritdoc />
    public override IReadOnlyList<string> ChannelNames => ["masked", "mask"];

    /// <inheritdoc/>
    public override string Description =>
        "box inpainting: one box of 20-50 % of the area hidden; channels (image with hole = 0, mask = 1 on known pixels)";

    /// <summary>The known-pixel mask of conditions: channel 1, [N, 1, H, W], 1 = known, 0 = hole.</summary>
    /// <param name="conditions">Conditions from <see cref="ConditionTask.Compute"/>, [N, 2, H, W].</param>
    public static torch.Tensor KnownMask(torch.Tensor conditions) => conditions.narrow(1, 1, 1);

    /// <summary>The masked-image channel of conditions, [N, 1, H, W].</summary>
    /// <param name="conditions">Conditions from <see cref="ConditionTask.Compute"/>, [N, 2, H, W].</param>
    public static torch.Tensor MaskedImage(torch.Tensor conditions) => conditions.narrow(1, 0, 1);

    /// <summary>The hidden box of one sample; depends only on (seed, index, image size).</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="datasetIndex">The sample's dataset index.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <exception cref="ArgumentException">No box size fits the constraints for this image size.</exception>
    public static PixelBox SampleBox(int seed, long datasetIndex, int height, int width)
    {
        var sizes = BoxSizes(height, width);
        if (sizes.Count == 0)
            throw new ArgumentException($"No box of {MinAreaFraction:P0}-{MaxAreaFraction:P0} of a {height}x{width} image has aspect ratio <= {MaxAspectRatio}.");
        var random = PerSampleRandom.Sequence(seed, datasetIndex, PerSampleRandom.InpaintingBoxStream);
        var (boxHeight, boxWidth) = sizes[random.NextInt(sizes.Count)];
        int top = random.NextInt(height - boxHeight + 1);
        int left = random.NextInt(width - boxWidth + 1);
        return new PixelBox(top, left, boxHeight, boxWidth);
    }

    /// <summary>All allowed (height, width) box sizes for an image size, in a fixed order.</summary>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    public static IReadOnlyList<(int Height, int Width)> BoxSizes(int height, int width)
    {
        double area = (double)height * width;
        var sizes = new List<(int, int)>();
        for (int h = 1; h <= height; h++)
        {
            for (int w = 1; w <= width; w++)
            {
                double fraction = h * w / area;
                bool sizeFits = fraction >= MinAreaFraction && fraction <= MaxAreaFraction;
                bool shapeFits = Math.Max(h, w) <= MaxAspectRatio * Math.Min(h, w);
                if (sizeFits && shapeFits) sizes.Add((h, w));
            }
        }
        return sizes;
    }

    /// <inheritdoc/>
    protected override torch.Tensor ComputeConditions(torch.Tensor images, long[] datasetIndices, int seed)
    {
        int height = (int)images.shape[2], width = (int)images.shape[3];
        float[] mask = new float[datasetIndices.Length * height * width];
        for (int i = 0; i < datasetIndices.Length; i++)
        {
            var box = SampleBox(seed, datasetIndices[i], height, width);
            var row = mask.AsSpan(i * height * width, height * width);
            row.Fill(1f);
            for (int r = box.Top; r < box.Top + box.Height; r++)
                row.Slice(r * width + box.Left, box.Width).Clear();
        }
        var known = torch.tensor(mask, [datasetIndices.Length, 1, height, width]).to(images.dtype).to(images.device);
        var masked = images.mul(known).add(known.neg().add(1.0).mul(FillValue));
        return torch.cat([masked, known], 1);
    }

    /// <inheritdoc/>
    protected override torch.Tensor MeasureInconsistency(torch.Tensor outputs, torch.Tensor conditions)
    {
        var known = KnownMask(conditions);
        var squaredError = outputs.sub(MaskedImage(conditions)).square().mul(known);
        return squaredError.flatten(1).sum([1]).div(known.flatten(1).sum([1]).clamp_min(1.0));
    }
}
