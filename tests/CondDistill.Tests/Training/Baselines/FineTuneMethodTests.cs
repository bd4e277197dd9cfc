using CondDistill.Diffusion;
using CondDistill.Models;
using CondDistill.Tests.Models;
using CondDistill.Training;
using CondDistill.Training.Baselines;
using TorchSharp;
using static TorchSharp.torch;
using static CondDistill.Tests.Training.Baselines.BaselineTestKit;

namespace CondDistill.Tests.Training.Baselines;

public sealed class FineTuneMethodTests
{
    private static readonly NoiseSchedule Schedule = NoiseSchedule.Cosine();

    public static TheoryData<FineTuneVariant> Variants => new()
    {
        FineTuneVariant.Concat, FineTuneVariant.ControlNetFrozenBackbone, FineTuneVariant.ControlNetFull,
    };

    private static FineTuneMethod Build(UNet teacher, FineTuneVariant variant, int conditionChannels = 1) =>
        new(teacher, new FineTuneConfig(variant, conditionChannels), Schedule, new Generator(3));

    [Theory]
    [MemberData(nameof(Variants))]
    public void LossEqualsTheDenoisingLossOnTheSameDraws(FineTuneVariant variant)
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(31);
        using var method = Build(teacher, variant);
        var (x, c) = Batch(32, batch: 3);

        var terms = method.Loss(x, c, new Generator(77));

        // The documented draw order: t (uniform 0..T-1 per sample), then eps.
        var replay = new Generator(77);
        var t = randint(0, 1000, new long[] { 3 }, dtype: ScalarType.Int64, generator: replay);
        var eps = randn(x.shape, generator: replay);
        var expected = DenoisingLoss.VPrediction(method.Student.WithCondition(c), Schedule, x, t, eps);
        Assert.True(Same(terms.Total, expected));
        Assert.Equal(expected.item<float>(), terms["diffusion"]);
        Assert.Equal(["diffusion"], terms.Terms.Select(p => p.Key));
        // At initialisation the conditional model is the teacher, so the loss is the teacher's loss too.
        Assert.True(Same(terms.Total, DenoisingLoss.VPrediction(teacher.AsVelocityModel(), Schedule, x, t, eps)));
        Assert.True(terms.Total.requires_grad);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TheStudentStartsAsTheTeacherAndTrainingNeverTouchesTheTeacher(FineTuneVariant variant)
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(33);
        var teacherBefore = Snapshot(teacher);
        using var method = Build(teacher, variant, conditionChannels: 2);
        var (x, c) = Batch(34, conditionChannels: 2);
        var (z, t) = NoisyInput(35);
        method.Student.Module.eval();
        Assert.True(Same(method.Student.Forward(z, t, c), teacher.call(z, t)));
        method.Student.Module.train();

        Train(method, x, c, steps: 2);

        Assert.Empty(Changed(teacher, teacherBefore));
        using (no_grad())
        {
            Assert.False(Same(method.Student.Forward(z, t, c), teacher.call(z, t)));
        }
    }

    [Fact]
    public void AdapterOnlyLeavesTheBackboneBitIdenticalAndFullTrainsIt()
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(36);
        var (x, c) = Batch(37);

        using var frozen = Build(teacher, FineTuneVariant.ControlNetFrozenBackbone);
        var controlled = Assert.IsType<ControlledUNet>(frozen.Student);
        Assert.All(frozen.TrainableParameters, p => Assert.StartsWith("adapter.", p.Name));
        Assert.Equal(controlled.ParameterCount(TrainableScope.AdapterOnly), frozen.TrainableParameters.Sum(p => p.Parameter.numel()));
        var before = Snapshot(controlled);
        Train(frozen, x, c, steps: 3);
        Assert.Empty(Changed(controlled, before, n => n.StartsWith("backbone.", StringComparison.Ordinal)));
        Assert.NotEmpty(Changed(controlled, before, n => n.StartsWith("adapter.", StringComparison.Ordinal)));

        using var full = Build(teacher, FineTuneVariant.ControlNetFull);
        var fullModel = Assert.IsType<ControlledUNet>(full.Student);
        Assert.Equal(fullModel.ParameterCount(TrainableScope.Full), full.TrainableParameters.Sum(p => p.Parameter.numel()));
        var fullBefore = Snapshot(fullModel);
        Train(full, x, c, steps: 1);
        Assert.NotEmpty(Changed(fullModel, fullBefore, n => n.StartsWith("backbone.", StringComparison.Ordinal)));
    }

    [Fact]
    public void ConcatTrainsEveryWeightAndTheEmaTracksThem()
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(38);
        using var method = new FineTuneMethod(teacher, new FineTuneConfig(FineTuneVariant.Concat, 1, EmaDecay: 0.5), Schedule);
        Assert.IsType<ConcatConditionedUNet>(method.Student);
        Assert.Equal(method.Student.Module.parameters().Sum(p => p.numel()), method.TrainableParameters.Sum(p => p.Parameter.numel()));
        var (x, c) = Batch(39);
        var probe = method.TrainableParameters.First(p => p.Name == "condition_in.weight");
        var before = probe.Parameter.detach().clone();
        Train(method, x, c, steps: 1);
        // One update with gamma 0.5: shadow = (before + after) / 2.
        var expected = (before + probe.Parameter.detach()) / 2;
        Assert.True(MaxAbs(method.Ema.Shadows[probe.Name], expected) < 1e-7);
        Assert.Equal(1, method.Ema.UpdateCount);
    }

    [Fact]
    public void NamesAndValidationSamplers()
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(40);
        using var concat = Build(teacher, FineTuneVariant.Concat);
        using var frozen = Build(teacher, FineTuneVariant.ControlNetFrozenBackbone);
        using var full = Build(teacher, FineTuneVariant.ControlNetFull);
        Assert.Equal(["finetune-concat", "finetune-controlnet", "finetune-controlnet-full"], new[] { concat.Name, frozen.Name, full.Name });
        Assert.Equal(["ddim-50", "ddim-4", "dpm-solver++-4"], concat.ValidationSamplers.Select(s => s.Name));
    }

    [Fact]
    public void MismatchedConditionBatchIsRejected()
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(41);
        using var method = Build(teacher, FineTuneVariant.Concat);
        var (x, _) = Batch(42, batch: 2);
        var (_, c) = Batch(43, batch: 3);
        var error = Assert.Throws<ArgumentException>(() => method.Loss(x, c, new Generator(1)));
        Assert.Contains("same B", error.Message);
    }
}
