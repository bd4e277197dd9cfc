using System.Diagnostics;

namespace CondDistill.Training;

/// <summary>
/// Steps per second and time to finish, smoothed over a sliding window of recent steps so that a
/// slow first step (warm-up) or a validation pause does not distort the estimate for long.
/// </summary>
public sealed class ThroughputMeter
{
    private readonly Queue<(long Step, TimeSpan Time)> _window = new();
    private readonly int _windowSize;
    private readonly Func<TimeSpan> _clock;

    /// <summary>Creates a meter over the last <paramref name="windowSize"/> marks.</summary>
    /// <param name="windowSize">Number of recent marks to average over (at least 2).</param>
    /// <param name="clock">Elapsed-time source; a running stopwatch when null (tests pass a fake).</param>
    public ThroughputMeter(int windowSize = 50, Func<TimeSpan>? clock = null)
    {
        _windowSize = Math.Max(2, windowSize);
        if (clock is null)
        {
            var stopwatch = Stopwatch.StartNew();
            clock = () => stopwatch.Elapsed;
        }
        _clock = clock;
    }

    /// <summary>Records that <paramref name="step"/> steps are complete now.</summary>
    public void Mark(long step)
    {
        _window.Enqueue((step, _clock()));
        while (_window.Count > _windowSize) _window.Dequeue();
    }

    /// <summary>Steps per second over the window (0 until two marks exist).</summary>
    public double StepsPerSecond
    {
        get
        {
            if (_window.Count < 2) return 0;
            var first = _window.Peek();
            var last = _window.Last();
            double seconds = (last.Time - first.Time).TotalSeconds;
            return seconds > 0 ? (last.Step - first.Step) / seconds : 0;
        }
    }

    /// <summary>Estimated time until <paramref name="totalSteps"/> at the current rate.</summary>
    public TimeSpan Eta(long currentStep, long totalSteps)
    {
        double rate = StepsPerSecond;
        return rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, totalSteps - currentStep) / rate) : TimeSpan.Zero;
    }
}
