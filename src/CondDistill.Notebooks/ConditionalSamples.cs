using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Evaluation;
using CondDistill.Reporting;
using static TorchSharp.torch;

namespace CondDistill.Notebooks;

/// <summary>
/// What the notebooks do with a conditional model on a few test images: a grid of condition, ground
/// truth and samples per sampler (the evaluation's seeds, so the tiles are the evaluation's first
/// samples), and the evaluation at several samplers with protocol filled in.
/// </summary>
public static class ConditionalSamples
{
    /// <summary>
    /// Grid rows: one per condition channel, "truth", then one per sampler (named by
    /// <see cref="SamplerSpec.Name"/>) with sample i drawn from seed <see cref="ConditionalEvaluation.DefaultSeedBase"/> + i, clamped to [-1, 1].
    /// </summary>
    /// <param name="task">The condition task.</param>
    /// <param name="truth">Test images and their dataset indices.</param>
    /// <param name="modelFor">The model with a batch of conditions bound.</param>
    /// <param name="schedule">Noise schedule.</param>
    /// <param name="samplers">Samplers, one row each.</param>
    /// <param name="conditionSeed">Seed of the task's per-sample randomness.</param>
    public static IReadOnlyList<GridRow> Rows(ConditionTask task, LabeledImages truth, Func<Tensor, VelocityModel> modelFor, NoiseSchedule schedule,
        IEnumerable<SamplerSpec> samplers, int conditionSeed = 0)
    {
        var conditions = task.Compute(truth.Images, truth.Indices, conditionSeed);
        var rows = ConditionPreview.ConditionRowsThenTruth(task, truth.Images, conditions);
        long[] shape = [truth.Images.shape[1], truth.Images.shape[2], truth.Images.shape[3]];
        foreach (var sampler in samplers)
            rows.Add(new GridRow(sampler.Name, ConditionalEvaluation.SamplesAtEvaluationSeeds(modelFor, conditions, shape, schedule, sampler, CPU)));
        return rows;
    }

    /// <summary>
    /// <see cref="ConditionalEvaluation.Evaluate"/> at each sampler, named "{method} {sampler}", with
    /// the method, weights and checkpoint in each protocol.
    /// </summary>
    /// <param name="modelFor">The model with a batch of conditions bound.</param>
    /// <param name="task">The condition task.</param>
    /// <param name="schedule">Noise schedule.</param>
    /// <param name="samplers">Samplers to evaluate.</param>
    /// <param name="extractor">The FD-FMNIST extractor.</param>
    /// <param name="truth">Ground-truth test images.</param>
    /// <param name="method">Method name for the protocol and the row names.</param>
    /// <param name="weights">"ema" or "online".</param>
    /// <param name="checkpoint">Where the weights came from.</param>
    /// <param name="diversityConditions">Conditions with extra draws for diversity (0 = skip).</param>
    public static IReadOnlyList<KeyValuePair<string, MetricsReport>> Evaluate(Func<Tensor, VelocityModel> modelFor, ConditionTask task, NoiseSchedule schedule,
        IEnumerable<SamplerSpec> samplers, FeatureExtractor extractor, LabeledImages truth, string method, string weights, string? checkpoint,
        int diversityConditions = 16)
    {
        var reports = new List<KeyValuePair<string, MetricsReport>>();
        foreach (var sampler in samplers)
        {
            var protocol = new EvaluationProtocol("", "test", 0, 0, [], weights, sampler.Name, sampler.Steps, Method: method, Checkpoint: checkpoint);
            var (report, samples) = ConditionalEvaluation.Evaluate(modelFor, task, schedule, sampler, extractor, truth, 0, protocol, CPU,
                diversityConditions: diversityConditions);
            samples.Dispose();
            reports.Add(KeyValuePair.Create($"{method} {sampler.Name}", report));
        }
        return reports;
    }

    /// <summary>The few-step grid sampler at 1, 2 and 4 steps on the N = 50 grid (method.md section 3).</summary>
    public static IReadOnlyList<SamplerSpec> FewStepGrid { get; } = [new(SamplerKind.Grid, 1), new(SamplerKind.Grid, 2), new(SamplerKind.Grid, 4)];
}
