using CondDistill.Training;

namespace CondDistill.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0, 1e-4)]    // warm-up: peak * 1 / 10
    [InlineData(9, 1e-3)]
    [InlineData(59, 1e-3)]   // stable up to the decay start
    [InlineData(60, 1e-3)]   // decay start: peak * 40 / 40
    [InlineData(80, 5e-4)]   // half way down
    [InlineData(99, 2.5e-5)] // last step: peak * 1 / 40
    [InlineData(100, 0.0)]   // past the end
    public void Warmup_stable_then_linear_decay_over_the_last_steps(long step, double expected) =>
        Assert.Equal(expected, LearningRateSchedule.WarmupStableDecay(step, 1e-3, warmupSteps: 10, totalSteps: 100, decaySteps: 40), 15);

    [Fact]
    public void Without_decay_it_is_warmup_constant_and_the_decay_does_not_touch_earlier_steps()
    {
        for (long step = 0; step < 200; step++)
        {
            Assert.Equal(LearningRateSchedule.WarmupConstant(step, 1e-3, 10), LearningRateSchedule.WarmupStableDecay(step, 1e-3, 10, 200, 0));
            if (step < 150)
                Assert.Equal(LearningRateSchedule.WarmupConstant(step, 1e-3, 10), LearningRateSchedule.WarmupStableDecay(step, 1e-3, 10, 200, 50));
        }
        Assert.Equal(150, LearningRateSchedule.DecayStart(200, 50));
        Assert.Equal(200, LearningRateSchedule.DecayStart(200, 0));
    }
}
