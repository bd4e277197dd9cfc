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
        Assert.Equal(150, LearningRateSchedule.DecayStart(200, 50, holdSteps: 0));
        Assert.Equal(200, LearningRateSchedule.DecayStart(200, 0, holdSteps: 0));
    }

    [Theory]
    [InlineData(0, 1e-4)]     // warm-up: peak * 1 / 10
    [InlineData(49, 1e-3)]    // stable up to the decay start 100 - 20 - 30 = 50
    [InlineData(50, 1e-3)]    // decay start: end + (peak - end) * 30 / 30
    [InlineData(65, 5.5e-4)]  // half way: 1e-4 + 9e-4 * 15 / 30
    [InlineData(79, 1.3e-4)]  // last decay step: 1e-4 + 9e-4 / 30
    [InlineData(80, 1e-4)]    // hold
    [InlineData(99, 1e-4)]    // last step of the run, still held
    public void Warmup_stable_decay_then_hold_at_the_end_rate(long step, double expected)
    {
        Assert.Equal(expected, LearningRateSchedule.WarmupStableDecayHold(step, 1e-3, warmupSteps: 10, totalSteps: 100, decaySteps: 30, endRate: 1e-4, holdSteps: 20), 15);
        Assert.Equal(50, LearningRateSchedule.DecayStart(100, 30, holdSteps: 20));
    }

    [Fact]
    public void With_end_rate_0_and_no_hold_the_decay_is_peak_times_steps_left_over_decay_steps_exactly()
    {
        // The formula earlier runs (the 40,000-step base-32 pilot among them) were trained with; bit for bit.
        for (long step = 63; step < 100; step++)
            Assert.Equal(4e-4 * (100 - step) / 37, LearningRateSchedule.WarmupStableDecayHold(step, 4e-4, 7, 100, 37, 0, 0));
        for (long step = 0; step < 63; step++)
            Assert.Equal(LearningRateSchedule.WarmupConstant(step, 4e-4, 7), LearningRateSchedule.WarmupStableDecayHold(step, 4e-4, 7, 100, 37, 0, 0));
    }
}
