using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Evaluation;
using CondDistill.Models;
using CondDistill.Notebooks;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Notebooks;

public sealed class ConditionalSamplesTests
{
    private static (ControlledUNet Model, LabeledImages Truth) Setup(int count)
    {
        var model = new ControlledUNet(new UNet(UNetConfig.Tiny, new Generator(1)), new ControlNetConfig(1, HintChannels: 4), new Generator(2));
        model.eval();
        var images = rand([count, 1, 28, 28], generator: new Generator(3)) * 2 - 1;
        return (model, new LabeledImages(images, zeros(count, ScalarType.Int64), Enumerable.Range(0, count).Select(i => (long)i).ToArray()));
    }

    [Fact]
    public void Rows_show_condition_truth_and_one_row_per_sampler_from_the_evaluation_seeds()
    {
        var (model, truth) = Setup(2);
        using (model) using (truth)
        {
            var task = ConditionTasks.Create("sr4");
            var schedule = NoiseSchedule.Cosine();
            var rows = ConditionalSamples.Rows(task, truth, model.WithCondition, schedule, ConditionalSamples.FewStepGrid);
            Assert.Equal(["sr4", "truth", "grid-N50-1", "grid-N50-2", "grid-N50-4"], rows.Select(r => r.Label).ToList());
            // The 1-step row is the evaluation's first samples: seeds 3,000,000 and 3,000,001.
            var noise = SeededNoise.Normal([1, 28, 28], [ConditionalEvaluation.DefaultSeedBase, ConditionalEvaluation.DefaultSeedBase + 1]);
            var conditions = task.Compute(truth.Images, truth.Indices, 0);
            var expected = DiffusionSamplers.Grid(model.WithCondition(conditions), schedule, noise, new TimestepGrid(50), 1, clampOutput: true).Samples;
            Assert.True(rows[2].Images.allclose(expected));
        }
    }

    [Fact]
    public void Evaluate_names_each_report_and_fills_its_protocol()
    {
        var (model, truth) = Setup(4);
        using (model) using (truth)
        using (var extractor = new FeatureExtractor(new FeatureExtractorConfig()))
        {
            extractor.eval();
            var reports = ConditionalSamples.Evaluate(model.WithCondition, ConditionTasks.Create("sr4"), NoiseSchedule.Cosine(),
                [new SamplerSpec(SamplerKind.Grid, 1), new SamplerSpec(SamplerKind.Grid, 2)], extractor, truth, "CoDi", "ema", "run/ema.safetensors", diversityConditions: 0);
            Assert.Equal(["CoDi grid-N50-1", "CoDi grid-N50-2"], reports.Select(r => r.Key).ToList());
            var p = reports[1].Value.Protocol;
            Assert.Equal(("CoDi", "ema", "run/ema.safetensors", "grid-N50-2", 2, 4, "sr4"), (p.Method, p.Weights, p.Checkpoint, p.Sampler, p.Steps, p.SampleCount, p.Task));
            Assert.NotNull(reports[1].Value.FdFmnist);
        }
    }
}
