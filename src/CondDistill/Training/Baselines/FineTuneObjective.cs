using CondDistill.Diffusion;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Training.Baselines;

/// <summary>
/// The ordinary diffusion loss used to fine-tune a conditional model (method.md section 4): the
/// v-prediction MSE of <see cref="DenoisingLoss.VPrediction"/> with t drawn uniformly from 0..T-1
/// independently for each sample, exactly as in pretraining.
/// </summary>
public static class FineTuneObjective
{
    /// <summary>
    /// Draws t (int64 [B], uniform over 0..T-1 per sample) and then eps (N(0, I), x's shape), both
    /// from <paramref name="generator"/> on the CPU in that order (the order <see cref="Pretrainer"/>
    /// uses), moved to x's device.
    /// </summary>
    public static (Tensor T, Tensor Eps) Draw(Tensor x, int numTimesteps, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(generator);
        using var scope = NewDisposeScope();
        Tensor t = randint(0, numTimesteps, [x.shape[0]], dtype: ScalarType.Int64, generator: generator).to(x.device);
        Tensor eps = randn(x.shape, dtype: x.dtype, generator: generator).to(x.device);
        return (t.MoveToOuterDisposeScope(), eps.MoveToOuterDisposeScope());
    }

    /// <summary>The v-prediction MSE of <paramref name="predict"/> on x with t and eps from <see cref="Draw"/>.</summary>
    public static Tensor Loss(VelocityModel predict, NoiseSchedule schedule, Tensor x, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(predict);
        ArgumentNullException.ThrowIfNull(schedule);
        using var scope = NewDisposeScope();
        var (t, eps) = Draw(x, schedule.NumTimesteps, generator);
        return DenoisingLoss.VPrediction(predict, schedule, x, t, eps).MoveToOuterDisposeScope();
    }
}
