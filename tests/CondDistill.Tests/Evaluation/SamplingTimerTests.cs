using CondDistill.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Evaluation;

public sealed class SamplingTimerTests
{
    [Fact]
    public void WarmUpIsExcludedAndTimeIsPerImage()
    {
        int calls = 0;
        var timing = SamplingTimer.Measure(() =>
        {
            calls++;
            Thread.Sleep(calls == 1 ? 300 : 20); // a slow first (warm-up) call must not be timed
            return zeros(4, 1, 28, 28);
        }, timedCalls: 3);
        Assert.Equal(4, calls);
        Assert.Equal(4, timing.ImagesPerCall);
        Assert.Equal(3, timing.TimedCalls);
        Assert.InRange(timing.MillisecondsPerImage, 20.0 / 4 * 0.9, 200.0 / 4);
        Assert.InRange(timing.MedianMillisecondsPerCall, 18.0, 200.0);
    }

    [Fact]
    public void ZeroTimedCallsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => SamplingTimer.Measure(() => zeros(1), timedCalls: 0));
    }
}
