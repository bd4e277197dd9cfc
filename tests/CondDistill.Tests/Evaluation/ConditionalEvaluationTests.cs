using CondDistill.Data;
using CondDistill.Diffusion;
using CondDistill.Evaluation;
using CondDistill.Experiments;
using TorchSharp;

namespace CondDistill.Tests.Evaluation;

public sealed class ConditionalEvaluationTests
{
    private static readonly EvaluationProtocol Partial = new("", "test", 0, 0, [], "ema", "", 0, Method: "oracle");

    [Fact]
    public void AnOracleThatKnowsTheTruthScoresPerfectReconstructionAndConsistency()
    {
        using var scope = torch.NewDisposeScope();
        using var extractor = FeatureExtractorFile.Load(ShippedCheckpoints.PathOf(ShippedCheckpoints.ExtractorFile));
        using var truth = FashionMnist.Open().Load(DatasetSplit.Test, 0, 8);
        var schedule = NoiseSchedule.Cosine();
        var x = truth.Images;
        VelocityModel oracle = (z, t) =>
        {
            var (alpha, sigma) = schedule.Gather(t);
            return Parameterization.VFromZX(z, x, alpha, sigma);
        };
        var (report, samples) = ConditionalEvaluation.Evaluate(_ => oracle, ConditionTasks.Create("sr4"), schedule,
            new SamplerSpec(SamplerKind.Grid, 2), extractor, truth, conditionSeed: 0, Partial, torch.CPU, diversityConditions: 0, batchSize: 8);

        Assert.True(report.PsnrMeanDb > 60, $"PSNR {report.PsnrMeanDb}");
        Assert.True(report.SsimMean > 0.999, $"SSIM {report.SsimMean}");
        Assert.True(report.ConditionConsistencyPsnrDb > 60, $"consistency {report.ConditionConsistencyPsnrDb}");
        Assert.True(report.LpipsStyleDistance < 1e-3, $"LPIPS-style {report.LpipsStyleDistance}");
        Assert.Equal(report.ReferenceSaturationRate!.Value, report.SaturationRate!.Value, 2);
        Assert.Equal("grid-N50-2", report.Protocol.Sampler);
        Assert.Equal("sr4", report.Protocol.Task);
        Assert.Equal(new long[] { 3_000_000, 3_000_007 }, report.Protocol.Seeds);
        Assert.Equal(8, samples.shape[0]);
    }

    [Fact]
    public void AModelThatIgnoresTheConditionIsInconsistentAndDiverse()
    {
        using var scope = torch.NewDisposeScope();
        using var extractor = FeatureExtractorFile.Load(ShippedCheckpoints.PathOf(ShippedCheckpoints.ExtractorFile));
        using var truth = FashionMnist.Open().Load(DatasetSplit.Test, 0, 8);
        VelocityModel zero = (z, t) => torch.zeros_like(z); // x_hat = alpha z: rescaled noise, whatever the condition
        var (report, _) = ConditionalEvaluation.Evaluate(_ => zero, ConditionTasks.Create("sr4"), NoiseSchedule.Cosine(),
            new SamplerSpec(SamplerKind.Ddim, 2), extractor, truth, conditionSeed: 0, Partial, torch.CPU, diversityConditions: 2, diversitySamples: 3, batchSize: 8);
        Assert.True(report.ConditionConsistencyPsnrDb < 20, $"consistency {report.ConditionConsistencyPsnrDb}");
        Assert.True(report.DiversityPairwiseL2 > 1, $"diversity {report.DiversityPairwiseL2}");
        Assert.Equal((3, 2), (report.Protocol.DiversitySamplesPerCondition, report.Protocol.DiversityConditions));
    }
}
