using System.Globalization;

namespace CondDistill.Training;

/// <summary>
/// A training step produced a loss or gradient norm that is NaN or infinite. The step is not
/// applied and no checkpoint is written, so the run's last checkpoint still holds good weights.
/// </summary>
public sealed class NonFiniteTrainingException : InvalidOperationException
{
    /// <summary>Creates the exception for a step (1-based, the step that would have been completed).</summary>
    /// <param name="step">The step whose loss or gradient was not finite.</param>
    /// <param name="loss">Its loss.</param>
    /// <param name="gradientNorm">Its gradient norm before clipping.</param>
    /// <param name="checkpointPath">The run's latest checkpoint, left untouched.</param>
    public NonFiniteTrainingException(long step, double loss, double gradientNorm, string checkpointPath)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"training step {step}: loss {loss:G6}, gradient norm {gradientNorm:G6}; not finite, so the step was not applied and the run stops without writing a checkpoint " +
            $"({checkpointPath} still holds the last good state). Fix: run 'condistill doctor' (on a CPU whose oneDNN convolutions are wrong the losses turn NaN; " +
            $"the 'convolutions' check says whether the library switched them off), then resume; if it recurs at the same step, lower the learning rate or the gradient clipping norm."))
    {
        Step = step;
        Loss = loss;
        GradientNorm = gradientNorm;
    }

    /// <summary>The step whose loss or gradient was not finite.</summary>
    public long Step { get; }

    /// <summary>Its loss.</summary>
    public double Loss { get; }

    /// <summary>Its gradient norm before clipping.</summary>
    public double GradientNorm { get; }

    /// <summary>Throws when <paramref name="loss"/> or <paramref name="gradientNorm"/> is NaN or infinite.</summary>
    /// <exception cref="NonFiniteTrainingException">When either is not finite.</exception>
    public static void ThrowIfNotFinite(long step, double loss, double gradientNorm, string checkpointPath)
    {
        if (!double.IsFinite(loss) || !double.IsFinite(gradientNorm)) throw new NonFiniteTrainingException(step, loss, gradientNorm, checkpointPath);
    }
}
