using CondDistill.Experiments;

namespace CondDistill.Tests.Experiments;

public sealed class ReproductionProfileTests
{
    [Fact]
    public void Quick_runs_are_the_first_steps_of_the_full_runs()
    {
        var quick = ReproductionProfile.Quick;
        var full = ReproductionProfile.Full;
        // Everything that shapes the weights is shared, so quick's weights are full's weights at quick's last step.
        Assert.Equal(
            (full.TrainBatchSize, full.LearningRate, full.LearningRateWarmupSteps, full.EmaDecay, full.EmaWarmUp, full.TrainImages),
            (quick.TrainBatchSize, quick.LearningRate, quick.LearningRateWarmupSteps, quick.EmaDecay, quick.EmaWarmUp, quick.TrainImages));
        Assert.All(quick.Runs, run => Assert.Contains(run, full.Runs));
        Assert.True(quick.TrainSteps < full.TrainSteps);
        // The full budget curve measures quick's comparison at quick's last step, on quick's images and rows.
        Assert.Contains(quick.TrainSteps, full.BudgetSteps);
        Assert.Equal(full.BudgetImages, quick.EvalImages);
        foreach (var row in quick.BudgetRows)
        {
            Assert.Contains(row, full.BudgetRows);
            Assert.Contains(row, quick.Rows);
        }
    }

    [Fact]
    public void Every_profile_trains_each_row_and_budget_row_it_evaluates()
    {
        foreach (var profile in new[] { ReproductionProfile.Smoke, ReproductionProfile.Quick, ReproductionProfile.Full })
        {
            var keys = profile.Runs.Select(r => r.Key).ToHashSet();
            Assert.All(profile.Rows.Concat(profile.BudgetRows), row => Assert.Contains(row.RunKey, keys));
            Assert.Equal(profile.BudgetSteps.Order(), profile.BudgetSteps);
            Assert.Equal(profile.TrainSteps, profile.BudgetSteps[^1]);
        }
    }
}
