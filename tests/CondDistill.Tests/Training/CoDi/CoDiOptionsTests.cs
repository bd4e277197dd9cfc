using CondDistill.Diffusion;
using CondDistill.Models;
using CondDistill.Training.CoDi;

namespace CondDistill.Tests.Training.CoDi;

public sealed class CoDiOptionsTests
{
    [Fact]
    public void PaperDefaultsHaveThePaperValues()
    {
        var options = CoDiOptions.PaperDefaults;
        Assert.Equal(TrainableScope.Full, options.TrainableSet);
        Assert.Equal(NextPointSource.Prev, options.NextPointSource);
        Assert.Equal(ConsistencySpace.Eps, options.ConsistencySpace);
        Assert.Equal(1.0, options.GuidanceWeight);
        Assert.Equal(TimeSampling.SharedPerBatch, options.TimeSampling);
        Assert.Equal(50, options.GridSize);
        Assert.Equal(0.999, options.EmaDecay);
        Assert.False(options.EmaWarmUp);
        Assert.Equal(BackboneInitialization.Pretrained, options.Initialization);
        Assert.Equal(ControlNetFusion.ZeroConv, options.Fusion);
        Assert.Equal(new CoDiOptions(), options);
    }

    [Fact]
    public void ReleasedCodeHasTheDocumentedSwitchValues()
    {
        var options = CoDiOptions.ReleasedCode;
        Assert.Equal(TrainableScope.AdapterOnly, options.TrainableSet);
        Assert.Equal(NextPointSource.Teacher, options.NextPointSource);
        Assert.Equal(ConsistencySpace.X, options.ConsistencySpace);
        Assert.Equal(BoundaryScalingConvention.ReleasedCode, options.BoundaryScaling);
        Assert.Equal(TimeSampling.PerSample, options.TimeSampling);
        Assert.Equal(50, options.GridSize);
        Assert.Equal(0.999, options.EmaDecay);
        Assert.False(options.EmaWarmUp);
        Assert.Equal(1.0, options.GuidanceWeight);
        Assert.Equal(BackboneInitialization.Pretrained, options.Initialization);
        Assert.Equal(ControlNetFusion.ZeroConv, options.Fusion);
    }

    [Fact]
    public void EachAblationPresetChangesExactlyItsOneSwitch()
    {
        var paper = CoDiOptions.PaperDefaults;
        Assert.Equal(paper with { TrainableSet = TrainableScope.AdapterOnly }, CoDiOptions.PeCoDi);
        Assert.Equal(paper with { GuidanceWeight = 0 }, CoDiOptions.WithoutGuidance);
        Assert.Equal(paper with { NextPointSource = NextPointSource.Ddim }, CoDiOptions.DdimNextPoint);
        Assert.Equal(paper with { NextPointSource = NextPointSource.Teacher }, CoDiOptions.FrozenTeacherNextPoint);
        Assert.Equal(paper with { TimeSampling = TimeSampling.PerSample }, CoDiOptions.PerSampleTime);
        Assert.Equal(paper with { Initialization = BackboneInitialization.Random }, CoDiOptions.RandomInit);
        Assert.Equal(paper with { Fusion = ControlNetFusion.MuBlend }, CoDiOptions.MuBlend);
        Assert.Equal(paper with { ConsistencySpace = ConsistencySpace.X }, CoDiOptions.XSpace);
    }

    [Fact]
    public void PresetsAreListedByNameAndAllValidate()
    {
        Assert.Equal(
            ["paper-defaults", "pe-codi", "without-guidance", "without-consistency", "ddim-next-point", "frozen-teacher-next-point",
             "per-sample-time", "random-init", "mu-blend", "x-space", "released-code"],
            CoDiOptions.Presets.Keys.ToArray());
        Assert.Equal(11, CoDiOptions.Presets.Values.Distinct().Count());
        foreach (var preset in CoDiOptions.Presets.Values) preset.Validate();
        Assert.Same(CoDiOptions.ReleasedCode, CoDiOptions.FromPreset("Released-Code"));
        var error = Assert.Throws<ArgumentException>(() => CoDiOptions.FromPreset("codi-fast"));
        Assert.Contains("released-code", error.Message);
    }

    [Fact]
    public void ValidateNamesTheFieldAndTheAllowedValues()
    {
        var error = Assert.Throws<ArgumentException>(() => (CoDiOptions.PaperDefaults with { NextPointSource = (NextPointSource)7 }).Validate());
        Assert.Contains("NextPointSource", error.Message);
        Assert.Contains("Prev, Ddim, Teacher", error.Message);

        error = Assert.Throws<ArgumentException>(() => (CoDiOptions.PaperDefaults with { ConsistencySpace = (ConsistencySpace)5 }).Validate());
        Assert.Contains("ConsistencySpace", error.Message);
        Assert.Contains("Eps, X", error.Message);

        error = Assert.Throws<ArgumentException>(() => (CoDiOptions.PaperDefaults with { GuidanceWeight = -1 }).Validate());
        Assert.Contains("GuidanceWeight", error.Message);

        error = Assert.Throws<ArgumentException>(() => (CoDiOptions.PaperDefaults with { GridSize = 30 }).Validate());
        Assert.Contains("GridSize", error.Message);
        Assert.Contains("divide T = 1000", error.Message);

        error = Assert.Throws<ArgumentException>(() => (CoDiOptions.PaperDefaults with { EmaDecay = 1.5 }).Validate());
        Assert.Contains("EmaDecay", error.Message);

        error = Assert.Throws<ArgumentException>(() => (CoDiOptions.PaperDefaults with { TimeSampling = (TimeSampling)9 }).Validate());
        Assert.Contains("SharedPerBatch, PerSample", error.Message);

        (CoDiOptions.PaperDefaults with { GridSize = 20 }).Validate();
    }

    [Fact]
    public void JsonRoundTripsWithEnumNames()
    {
        string json = CoDiOptions.ReleasedCode.ToJson();
        Assert.Contains("\"nextPointSource\":\"Teacher\"", json);
        Assert.Contains("\"trainableSet\":\"AdapterOnly\"", json);
        Assert.Contains("\"consistencySpace\":\"X\"", json);
        Assert.Equal(CoDiOptions.ReleasedCode, CoDiOptions.FromJson(json));
        Assert.Equal(CoDiOptions.PaperDefaults with { GuidanceWeight = 0.5 }, CoDiOptions.FromJson("{\"guidanceWeight\":0.5}"));
        var error = Assert.Throws<ArgumentException>(() => CoDiOptions.FromJson("{\"gridSize\":7}"));
        Assert.Contains("GridSize", error.Message);
    }
}
