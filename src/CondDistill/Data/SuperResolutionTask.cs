using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace CondDistill.Data;

/// <summary>
/// Super-resolution by an integer factor k: the measurement is y = avgpool_k(x) (+ optional
/// Gaussian noise of standard deviation <see cref="NoiseStd"/>, drawn per sample at low
/// resolution and clamped to [-1, 1]), and the condition is y upsampled back to full size by
/// nearest neighbour (each low-resolution pixel repeated k x k), 1 channel. x4 on 28x28 gives
/// 7x7 measurements, x2 gives 14x14.
/// Consistency: per-sample MSE between avgpool_k(output) and avgpool_k(condition) = y.
/// </summary>
public sealed class SuperResolutionTask : ConditionTask
{
    /// <summary>Creates the task.</summary>
    /// <param name="factor">Downsampling factor k (2 or 4 for Fashion-MNIST; image sides must be divisible by it).</param>
    /// <param name="noiseStd">Standard deviation of the measurement noise, in [-1, 1] units; 0 (default) for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">factor below 1 or negative noise.</exception>
    public SuperResolutionTask(int factor, double noiseStd = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(noiseStd);
        Factor = factor;
        NoiseStd = noiseStd;
    }

    /// <summary>Downsampling factor k.</summary>
    public int Factor { get; }

    /// <summary>Standard deviation of the low-resolution measurement noise (0: none).</summary>
    public double NoiseStd { get; }

    /// <inheritdoc/>
    public override string Name => $"sr{Factor}";

    /// <inheritdoc/>
    public override int ConditionChannels => 1;

    /// <inheritdoc/>
    public override string Description =>
        $"super-resolution x{Factor}: nearest-upsampled {Factor}x{Factor} average pool" + (NoiseStd > 0 ? $" + N(0, {NoiseStd}^2) noise" : "");

    /// <summary>The degradation: avgpool_k, [N, C, H, W] -> [N, C, H/k, W/k].</summary>
    /// <param name="images">Images at full resolution.</param>
    public torch.Tensor Degrade(torch.Tensor images) => avg_pool2d(images, Factor);

    /// <summary>Nearest-neighbour upsampling by the factor (each pixel repeated k x k).</summary>
    /// <param name="lowResolution">[N, C, h, w].</param>
    public torch.Tensor Upsample(torch.Tensor lowResolution) =>
        lowResolution.repeat_interleave(Factor, 2).repeat_interleave(Factor, 3);

    /// <inheritdoc/>
    protected override torch.Tensor ComputeConditions(torch.Tensor images, long[] datasetIndices, int seed)
    {
        var measurement = Degrade(images);
        if (NoiseStd > 0 && datasetIndices.Length > 0)
        {
            var noise = SampleNoise(measurement.shape, datasetIndices, seed).to(measurement.dtype).to(measurement.device);
            measurement = measurement.add(noise.mul(NoiseStd)).clamp(-1.0, 1.0);
        }
        return Upsample(measurement);
    }

    /// <inheritdoc/>
    protected override torch.Tensor MeasureInconsistency(torch.Tensor outputs, torch.Tensor conditions) =>
        PerSampleMean(Degrade(outputs).sub(Degrade(conditions)).square());

    /// <inheritdoc/>
    protected override void CheckImages(torch.Tensor images, string parameterName)
    {
        base.CheckImages(images, parameterName);
        if (images.shape[2] % Factor != 0 || images.shape[3] % Factor != 0)
            throw new ArgumentException(
                $"Task '{Name}': {parameterName} are {images.shape[2]}x{images.shape[3]}; both sides must be divisible by {Factor}.", parameterName);
    }

    private static torch.Tensor SampleNoise(long[] measurementShape, long[] datasetIndices, int seed)
    {
        long[] rowShape = measurementShape[1..];
        var rows = new torch.Tensor[datasetIndices.Length];
        for (int i = 0; i < datasetIndices.Length; i++)
        {
            using var generator = PerSampleRandom.Generator(seed, datasetIndices[i], PerSampleRandom.SuperResolutionNoiseStream);
            rows[i] = torch.randn(rowShape, generator: generator);
        }
        return torch.stack(rows);
    }
}
