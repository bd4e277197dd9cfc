using CondDistill.Diffusion;

namespace CondDistill.Experiments;

/// <summary>
/// Sizes and contents of a <c>condistill reproduce</c> run: which methods train (all for the same
/// number of steps and batch size), which rows the table has, how many test images evaluate them and
/// at which steps the budget curve is measured. <see cref="Smoke"/> exercises every code path in
/// seconds (CI), <see cref="Quick"/> fits in 20 minutes on 2 cores, <see cref="Full"/> is the
/// budget whose ordering the budget curve shows to be stable.
/// </summary>
public sealed record ReproductionProfile
{
    /// <summary>smoke, quick or full.</summary>
    public required string Name { get; init; }

    /// <summary>What the profile is for, in a sentence (printed under the table's title).</summary>
    public required string Description { get; init; }

    /// <summary>Optimiser steps of every run (the equal budget).</summary>
    public required long TrainSteps { get; init; }

    /// <summary>Pairs per step of every run.</summary>
    public required int TrainBatchSize { get; init; }

    /// <summary>Peak AdamW learning rate of every run.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Linear warm-up steps.</summary>
    public long LearningRateWarmupSteps { get; init; } = 100;

    /// <summary>EMA decay of every run.</summary>
    public double EmaDecay { get; init; } = 0.999;

    /// <summary>
    /// EMA warm-up min(decay, (1 + n) / (10 + n)) for every run, so a short run's EMA does not lag
    /// behind its zero-initialised adapter (the pitfall of issue 4).
    /// </summary>
    public bool EmaWarmUp { get; init; } = true;

    /// <summary>Training images (from index 0 of the training split).</summary>
    public int TrainImages { get; init; } = 60_000;

    /// <summary>Test images (from index 0) that evaluate every table row.</summary>
    public required int EvalImages { get; init; }

    /// <summary>Test images (from index 0) of the budget curve's evaluations.</summary>
    public required int BudgetImages { get; init; }

    /// <summary>Steps at which every run's budget rows are evaluated (the budget curve).</summary>
    public required IReadOnlyList<long> BudgetSteps { get; init; }

    /// <summary>Steps between resumable checkpoints.</summary>
    public required long CheckpointingSteps { get; init; }

    /// <summary>Steps between validation grids (0 = only at the end).</summary>
    public long ValidationSteps { get; init; }

    /// <summary>Conditions with extra draws for the diversity measure.</summary>
    public int DiversityConditions { get; init; } = 16;

    /// <summary>Samples per network call in evaluation.</summary>
    public int EvalBatchSize { get; init; } = 250;

    /// <summary>The training runs, in the order they run (a run's conditional teacher comes first).</summary>
    public required IReadOnlyList<ReproductionRun> Runs { get; init; }

    /// <summary>The table's rows, in table order.</summary>
    public required IReadOnlyList<ReproductionRow> Rows { get; init; }

    /// <summary>The rows evaluated at every <see cref="BudgetSteps"/> (one few-step row per run).</summary>
    public required IReadOnlyList<ReproductionRow> BudgetRows { get; init; }

    /// <summary>The profile names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["smoke", "quick", "full"];

    /// <summary>The profile called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the allowed ones.</exception>
    public static ReproductionProfile Get(string name) => name.Trim().ToLowerInvariant() switch
    {
        "smoke" => Smoke,
        "quick" => Quick,
        "full" => Full,
        _ => throw new ArgumentException($"Profile '{name}' is not known; allowed values: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Steps of the quick profile: a prefix of the full profile's runs.</summary>
    public const long QuickTrainSteps = 500;

    private const int SharedBatchSize = 32;
    private const double SharedLearningRate = 2e-4;
    private const long SharedWarmupSteps = 100;
    private const int FullBudgetImages = 250;

    private static SamplerSpec Ddim(int steps) => new(SamplerKind.Ddim, steps);

    private static SamplerSpec Grid(int steps) => new(SamplerKind.Grid, steps);

    private static SamplerSpec Consistency(int steps) => new(SamplerKind.Consistency, steps);

    private static readonly ReproductionRun ControlNet = new("finetune-controlnet", "Fine-tuned ControlNet", "finetune-controlnet");
    private static readonly ReproductionRun Concat = new("finetune-concat", "Fine-tuned concat", "finetune-concat");
    private static readonly ReproductionRun CoDi = new("codi", "CoDi", MethodCatalog.CoDi, "paper-defaults");
    private static readonly ReproductionRun PeCoDi = new("pe-codi", "PE-CoDi", MethodCatalog.CoDi, "pe-codi");
    private static readonly ReproductionRun WithoutGuidance = new("codi-without-dx", "CoDi without d_x", MethodCatalog.CoDi, "without-guidance");
    private static readonly ReproductionRun DdimNextPoint = new("codi-ddim-next-point", "CoDi, DDIM z_s_hat", MethodCatalog.CoDi, "ddim-next-point");
    private static readonly ReproductionRun WithoutConsistency = new("codi-without-consistency", "CoDi without consistency", MethodCatalog.CoDi, "without-consistency");
    private static readonly ReproductionRun FrozenTeacher = new("codi-frozen-teacher", "CoDi, frozen-teacher z_s_hat", MethodCatalog.CoDi, "frozen-teacher-next-point");
    private static readonly ReproductionRun XSpace = new("codi-x-space", "CoDi, x-space consistency", MethodCatalog.CoDi, "x-space");
    private static readonly ReproductionRun CmII = new("cm-ii", "CM-II", "cm-ii", ConditionalTeacherRun: ControlNet.Key);

    private static readonly ReproductionRun GdII = new("gd-ii", "GD-II (one halving 8 -> 4)", "gd-ii", ConditionalTeacherRun: ControlNet.Key);

    private static readonly ReproductionRun[] FullRuns = [ControlNet, Concat, CoDi, PeCoDi, WithoutGuidance, DdimNextPoint, WithoutConsistency, FrozenTeacher, XSpace, CmII, GdII];

    private static IReadOnlyList<ReproductionRow> FullRows()
    {
        var rows = new List<ReproductionRow>
        {
            new(ControlNet.Key, Ddim(50)), new(ControlNet.Key, Ddim(20)), new(ControlNet.Key, Ddim(8)), new(ControlNet.Key, Ddim(4)),
            new(ControlNet.Key, new SamplerSpec(SamplerKind.DpmSolverPlusPlus, 4)),
            new(Concat.Key, Ddim(50)), new(Concat.Key, Ddim(4)),
        };
        foreach (var run in new[] { CoDi, PeCoDi, WithoutGuidance, DdimNextPoint, WithoutConsistency, FrozenTeacher, XSpace })
            rows.AddRange([new(run.Key, Grid(1)), new(run.Key, Grid(2)), new(run.Key, Grid(4))]);
        rows.AddRange([new(CoDi.Key, Grid(8)), new(CoDi.Key, Consistency(2)), new(CoDi.Key, Consistency(4)), new(CoDi.Key, Consistency(8)),
            new(CoDi.Key, Grid(4), "online"), new(WithoutConsistency.Key, Grid(8)), new(XSpace.Key, Grid(8))]);
        rows.AddRange([new(CmII.Key, Consistency(1)), new(CmII.Key, Consistency(4)), new(GdII.Key, Ddim(4))]);
        return rows;
    }

    private static IReadOnlyList<ReproductionRow> BudgetRowsOf(IEnumerable<ReproductionRun> runs) =>
        runs.Select(run => new ReproductionRow(run.Key, run.Method switch
        {
            "finetune-controlnet" or "finetune-concat" or "finetune-controlnet-frozen" => Ddim(4),
            "cm-ii" or "cm-ii-frozen" => Consistency(4),
            "gd-ii" => Ddim(4),
            _ => Grid(4),
        })).ToList();

    /// <summary>Every run and row of the full table at toy size (a few steps, a handful of images): for CI.</summary>
    public static ReproductionProfile Smoke { get; } = new()
    {
        Name = "smoke",
        Description = "every run and row of the full profile at toy size (2 steps of batch 4, 8 test images), for CI; the numbers mean nothing.",
        TrainSteps = 2, TrainBatchSize = 4, LearningRateWarmupSteps = 1, TrainImages = 64,
        EvalImages = 8, BudgetImages = 4, BudgetSteps = [1, 2], CheckpointingSteps = 1, DiversityConditions = 2, EvalBatchSize = 8,
        Runs = FullRuns, Rows = FullRows(), BudgetRows = BudgetRowsOf(FullRuns),
    };

    /// <summary>
    /// The first <see cref="QuickTrainSteps"/> steps of the full profile's fine-tuned ControlNet and CoDi
    /// runs (same learning rate, warm-up, batch, EMA, data and seeds, so the weights equal the full runs'
    /// weights at that step, bit for bit with the same thread count), evaluated on the full profile's budget images: at most 20 minutes on 2
    /// cores. The full profile's budget curve at this step therefore shows whether the quick ordering
    /// of CoDi-4 and ControlNet-4 is the full one.
    /// </summary>
    public static ReproductionProfile Quick { get; } = new()
    {
        Name = "quick",
        Description = $"the first {QuickTrainSteps} steps of the full profile's fine-tuned ControlNet and CoDi runs (same settings and seeds), " +
            $"evaluated on the full profile's {FullBudgetImages} budget images; the full profile's budget curve at step {QuickTrainSteps} is the same comparison.",
        TrainSteps = QuickTrainSteps, TrainBatchSize = SharedBatchSize, LearningRate = SharedLearningRate,
        LearningRateWarmupSteps = SharedWarmupSteps, EvalImages = FullBudgetImages, BudgetImages = FullBudgetImages,
        BudgetSteps = [QuickTrainSteps / 2, QuickTrainSteps], CheckpointingSteps = 100,
        Runs = [ControlNet, CoDi],
        Rows = [new(ControlNet.Key, Ddim(50)), new(ControlNet.Key, Ddim(4)), new(CoDi.Key, Grid(1)), new(CoDi.Key, Grid(2)), new(CoDi.Key, Grid(4))],
        BudgetRows = BudgetRowsOf([ControlNet, CoDi]),
    };

    /// <summary>The paper-style table: every baseline and ablation for the same budget, 1,000 test images.</summary>
    public static ReproductionProfile Full { get; } = new()
    {
        Name = "full",
        Description = "every baseline and ablation for the same budget of 2,000 steps of batch 32, 1,000 test images; the budget curve shows where the ordering settles.",
        TrainSteps = 2000, TrainBatchSize = SharedBatchSize, LearningRate = SharedLearningRate, LearningRateWarmupSteps = SharedWarmupSteps,
        EvalImages = 1000, BudgetImages = FullBudgetImages, BudgetSteps = [250, 500, 750, 1000, 1500, 2000], CheckpointingSteps = 250, ValidationSteps = 1000,
        Runs = FullRuns, Rows = FullRows(), BudgetRows = BudgetRowsOf(FullRuns),
    };
}
