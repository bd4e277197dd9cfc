using CondDistill.Experiments;
using CondDistill.Notebooks;

namespace CondDistill.Tests.Notebooks;

public sealed class NotebookReproductionTests
{
    [Fact]
    public void Restrict_keeps_the_runs_their_rows_and_the_samplers_asked_for()
    {
        var profile = NotebookReproduction.Restrict(ReproductionProfile.Smoke, ["finetune-controlnet", "codi"], ["ddim-4", "grid-N50-1", "grid-N50-4"]);
        Assert.Equal(["finetune-controlnet", "codi"], profile.Runs.Select(r => r.Key).ToList());
        Assert.Equal(["finetune-controlnet.ddim-4.ema", "codi.grid-N50-1.ema", "codi.grid-N50-4.ema", "codi.grid-N50-4.online"], profile.Rows.Select(r => r.Key).ToList());
        Assert.Equal(["finetune-controlnet", "codi"], profile.BudgetRows.Select(r => r.RunKey).ToList());
        Assert.Equal((2L, 4, 8), (profile.TrainSteps, profile.TrainBatchSize, profile.EvalImages));
    }

    [Fact]
    public void Restrict_adds_the_fine_tuning_run_a_distillation_needs_but_not_its_rows()
    {
        var profile = NotebookReproduction.Restrict(ReproductionProfile.Smoke, ["cm-ii"]);
        Assert.Equal(["finetune-controlnet", "cm-ii"], profile.Runs.Select(r => r.Key).ToList());
        Assert.All(profile.Rows, r => Assert.Equal("cm-ii", r.RunKey));
        Assert.Contains("codi", Assert.Throws<ArgumentException>(() => NotebookReproduction.Restrict(ReproductionProfile.Quick, ["pe-codi"])).Message);
    }

    [Fact]
    public void Single_row_trains_what_the_row_needs_at_the_given_sizes()
    {
        var profile = NotebookReproduction.SingleRow(ReproductionProfile.Quick, ReproductionProfile.Full, "cm-ii.consistency-N50-4.ema");
        Assert.Equal(["finetune-controlnet", "cm-ii"], profile.Runs.Select(r => r.Key).ToList());
        Assert.Equal(["cm-ii.consistency-N50-4.ema"], profile.Rows.Select(r => r.Key).ToList());
        Assert.Empty(profile.BudgetRows);
        Assert.Empty(profile.BudgetSteps);
        // The row trains at the sizes of the profile it was taken from (quick), not those of full.
        Assert.Equal(("quick", ReproductionProfile.Quick.TrainSteps, ReproductionProfile.Quick.EvalImages), (profile.Name, profile.TrainSteps, profile.EvalImages));
        Assert.NotEqual(ReproductionProfile.Full.TrainSteps, profile.TrainSteps);
        Assert.Contains("codi.grid-N50-4.ema", Assert.Throws<ArgumentException>(() => NotebookReproduction.SingleRow(ReproductionProfile.Quick, ReproductionProfile.Full, "nope")).Message);
    }
}
