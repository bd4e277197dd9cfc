using CondDistill.Diffusion;
using CondDistill.Models;
using CondDistill.Tests.Diffusion;
using CondDistill.Tests.Models;
using CondDistill.Training.Baselines;
using TorchSharp;
using static TorchSharp.torch;
using static CondDistill.Tests.Training.Baselines.BaselineTestKit;

namespace CondDistill.Tests.Training.Baselines;

public sealed class ProgressiveDistillationTests
{
    private static readonly NoiseSchedule Schedule = NoiseSchedule.Cosine();

    /// <summary>Every student step j = 0..n-1 once, with the oracle teacher; returns max |x_tilde - x|.</summary>
    private static double OracleTargetError(int studentSteps, ScalarType dtype, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var x = (rand(new long[] { studentSteps, 1, 6, 6 }, generator: generator) * 2 - 1).to_type(dtype);
        var eps = randn(new long[] { studentSteps, 1, 6, 6 }, generator: generator).to_type(dtype);
        long[] indices = Enumerable.Range(0, studentSteps).Select(j => (long)j).ToArray();
        var oracle = VelocityOracles.TrueVOf(x, Schedule);
        var (loss, _, target) = ProgressiveDistillationObjective.Loss(oracle, oracle, Schedule, DistillationWeighting.TruncatedSnr, x, studentSteps, indices, eps);
        double value = loss.to_type(ScalarType.Float64).item<double>();
        Assert.True(value < (dtype == ScalarType.Float64 ? 1e-20 : 1e-6), $"n = {studentSteps}: loss {value}");
        return MaxAbs(target, x);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(16)]
    [InlineData(8)]
    [InlineData(4)]
    [InlineData(2)]
    [InlineData(1)]
    public void WithAnOracleTeacherTwoDdimStepsEqualOneAndTheTargetIsX(int studentSteps)
    {
        double error64 = OracleTargetError(studentSteps, ScalarType.Float64, (ulong)(70 + studentSteps));
        Assert.True(error64 < 1e-12, $"float64: max |x_tilde - x| = {error64}");
        // float32 (measured): 6e-8 (n = 1) ... 7.7e-6 (n = 32). The worst case is the first step from
        // t = 999, where alpha_s' - (sigma_s'/sigma_t) alpha_t ~ 0.05 amplifies float32 rounding of z.
        double error32 = OracleTargetError(studentSteps, ScalarType.Float32, (ulong)(70 + studentSteps));
        Assert.True(error32 < 2e-5, $"float32: max |x_tilde - x| = {error32}");
    }

    [Fact]
    public void StudentTargetClosedFormAndTheEndOfSampling()
    {
        using var scope = NewDisposeScope();
        Tensor S(double v) => tensor(new[] { v }, ScalarType.Float32).reshape(1, 1, 1, 1);
        // ratio = 0.6 / 0.8 = 0.75; (0.5 - 0.75 * 0.3) / (0.8 - 0.75 * 0.6) = 0.275 / 0.35.
        var target = ProgressiveDistillationObjective.StudentTarget(S(0.3), S(0.5), S(0.6), S(0.8), S(0.8), S(0.6));
        Assert.Equal(0.275 / 0.35, target.item<float>(), 1e-6);
        // At the end (alpha 1, sigma 0) the target is the teacher's final point itself.
        var end = ProgressiveDistillationObjective.StudentTarget(S(0.3), S(-0.7), S(0.6), S(0.8), S(1.0), S(0.0));
        Assert.Equal(-0.7f, end.item<float>());
    }

    [Fact]
    public void StudentAndTeacherGridsNestUnderTrailingSpacing()
    {
        for (int n = 1; n <= 64; n++)
        {
            int[] student = ProgressiveDistillationObjective.StudentTimesteps(n);
            int[] teacher = ProgressiveDistillationObjective.TeacherTimesteps(n);
            Assert.Equal(2 * n, teacher.Length);
            for (int j = 0; j < n; j++) Assert.Equal(student[j], teacher[2 * j]);
        }
        // n = 4: Trailing(8) = [999, 874, 749, 624, 499, 374, 249, 124].
        var (t, middle, next) = ProgressiveDistillationObjective.Steps(4, [0, 1, 2, 3]);
        Assert.Equal([999L, 749, 499, 249], t);
        Assert.Equal([874L, 624, 374, 124], middle);
        Assert.Equal([749L, 499, 249, ProgressiveDistillationObjective.End], next);
        Assert.Equal(TimestepSpacing.Trailing(4), ProgressiveDistillationObjective.StudentTimesteps(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProgressiveDistillationObjective.Steps(4, [4]));
    }

    [Fact]
    public void WeightsAreTruncatedSnr()
    {
        using var scope = NewDisposeScope();
        // Cosine schedule, independent closed form abar_t = f((t + 1) / T) / f(0) (Python):
        // SNR(249) = 5.536467268727169, SNR(15) = 803.5793014434446; t = 999 has SNR ~ 2e-9.
        long[] t = [249, 15, 999];
        var truncated = ProgressiveDistillationObjective.Weights(Schedule, t, DistillationWeighting.TruncatedSnr, CPU, ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(5.536467268727169, truncated[0], 1e-9);
        Assert.Equal(803.5793014434446, truncated[1], 1e-6);
        Assert.Equal(1.0, truncated[2]);
        var plusOne = ProgressiveDistillationObjective.Weights(Schedule, t, DistillationWeighting.SnrPlusOne, CPU, ScalarType.Float64).data<double>().ToArray();
        Assert.Equal(6.536467268727169, plusOne[0], 1e-9);
        Assert.Equal(1.0, plusOne[2], 1e-8);
        var none = ProgressiveDistillationObjective.Weights(Schedule, t, DistillationWeighting.None, CPU).data<float>().ToArray();
        Assert.Equal([1f, 1f, 1f], none);
    }

    [Fact]
    public void ThePhaseScheduleHalvesFrom64To4()
    {
        var schedule = new ProgressiveSchedule(64, 4);
        Assert.Equal(
            [new DistillationPhase(0, 64, 32), new DistillationPhase(1, 32, 16), new DistillationPhase(2, 16, 8), new DistillationPhase(3, 8, 4)],
            schedule.Phases);
        Assert.Equal([64, 32, 16, 8, 4], schedule.StepCounts);
        Assert.Equal([8, 4, 2, 1], new ProgressiveSchedule(8, 1).StepCounts);
        Assert.Throws<ArgumentException>(() => new ProgressiveSchedule(48, 4));
        Assert.Throws<ArgumentException>(() => new ProgressiveSchedule(4, 4));
        Assert.Throws<ArgumentException>(() => new ProgressiveSchedule(2048, 4));
    }

    [Fact]
    public void MethodTrainsTheStudentOnlyAndNextPhaseStartsFromItsEmaWeights()
    {
        using var scope = NewDisposeScope();
        using var pretrained = UNetTests.TinyUNet(80);
        IConditionalDenoiser fineTuned;
        using (var fineTune = new FineTuneMethod(pretrained, new FineTuneConfig(FineTuneVariant.Concat, 1), Schedule))
            fineTuned = ConditionalDenoiserCopies.Copy(fineTune.Student);
        var sourceBefore = Snapshot(fineTuned.Module);
        using var phase = new ProgressiveDistillationMethod(fineTuned, new ProgressiveDistillationConfig(4, EmaDecay: 0.5), Schedule);
        Assert.Equal("gd-ii-8to4", phase.Name);
        Assert.Equal(["ddim-4"], phase.ValidationSamplers.Select(s => s.Name));
        var (x, c) = Batch(81);

        var terms = phase.Loss(x, c, new Generator(82));
        Assert.Equal(["distill", "x_mse"], terms.Terms.Select(p => p.Key));
        Assert.True(double.IsFinite(terms["distill"]) && terms["x_mse"] > 0);
        terms.Total.backward();
        Assert.All(phase.Teacher.Module.parameters(), p => Assert.Null(p.grad));

        Train(phase, x, c, steps: 2);
        Assert.Empty(Changed(fineTuned.Module, sourceBefore));
        Assert.Empty(Changed(phase.Teacher.Module, sourceBefore));
        var online = Snapshot(phase.Student.Module);

        using var next = phase.NextPhase();
        Assert.Equal("gd-ii-4to2", next.Name);
        var teacherWeights = next.Teacher.Module.state_dict();
        Assert.All(phase.TrainableParameters, p => Assert.True(Same(teacherWeights[p.Name], phase.Ema.Shadows[p.Name]), p.Name));
        Assert.Empty(Changed(phase.Student.Module, online)); // online weights restored
        Assert.NotEmpty(Changed(next.Teacher.Module, online));
        fineTuned.Module.Dispose();
    }
}
