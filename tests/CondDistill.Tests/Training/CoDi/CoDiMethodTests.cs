using CondDistill.Models;
using CondDistill.Tests.Models;
using CondDistill.Training.CoDi;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Training.CoDi;

public sealed class CoDiMethodTests
{
    private static CoDiMethod Build(UNet teacher, CoDiOptions options) =>
        new(teacher, conditionChannels: 1, CoDiTestData.Schedule, options, new Generator(7));

    private static (Tensor X, Tensor C) Pairs(ulong seed, int batch = 2)
    {
        using var generator = new Generator(seed);
        var x = rand([batch, 1, 28, 28], generator: generator) * 2 - 1;
        var c = nn.functional.interpolate(nn.functional.avg_pool2d(x, 4), [28, 28]);
        return (x, c);
    }

    private static Dictionary<string, Tensor> Snapshot(nn.Module module) =>
        module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    [Fact]
    public void SharedTimeSamplingGivesOneTPerBatchAndPerSampleDiffers()
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(30);
        using var shared = Build(teacher, CoDiOptions.PaperDefaults);
        using var perSample = Build(teacher, CoDiOptions.PerSampleTime);
        using var generator = new Generator(3);
        for (int draw = 0; draw < 5; draw++)
        {
            var (t, s) = shared.DrawTimesteps(8, generator);
            long[] steps = t.data<long>().ToArray();
            Assert.All(steps, value => Assert.Equal(steps[0], value));
            Assert.InRange(steps[0], 20, 980);
            Assert.Equal(0, steps[0] % 20);
            Assert.True(CoDiTestData.Same(s, t - 20));
        }
        var (tPerSample, sPerSample) = perSample.DrawTimesteps(8, generator);
        long[] values = tPerSample.data<long>().ToArray();
        Assert.True(values.Distinct().Count() > 1, $"per-sample draw gave one value {values[0]} for 8 samples");
        Assert.All(values, value => Assert.Equal(0, value % 20));
        Assert.True(CoDiTestData.Same(sPerSample, tPerSample - 20));

        // The loss uses the same draw: one t in the whole batch.
        var (x, c) = Pairs(1, batch: 3);
        var step = shared.ComputeLoss(x, c, generator, keepIntermediates: true).Intermediates!;
        long[] used = step.T.data<long>().ToArray();
        Assert.All(used, value => Assert.Equal(used[0], value));
    }

    [Theory]
    [InlineData(TrainableScope.AdapterOnly)]
    [InlineData(TrainableScope.Full)]
    public void AdapterOnlyLeavesTheBackboneBitIdenticalAndFullChangesIt(TrainableScope scopeKind)
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(31);
        var teacherBefore = Snapshot(teacher);
        using var method = Build(teacher, CoDiOptions.PaperDefaults with { TrainableSet = scopeKind });
        var backboneBefore = Snapshot(method.Student.Backbone);
        var adapterBefore = Snapshot(method.Student.Adapter);
        using var optimizer = optim.AdamW(method.TrainableParameters.Select(p => p.Parameter), lr: 1e-3);
        using var generator = new Generator(4);
        var (x, c) = Pairs(2);
        for (int step = 0; step < 3; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            method.Loss(x, c, generator).Total.backward();
            optimizer.step();
            method.UpdateEma();
        }

        bool backboneSame = method.Student.Backbone.named_parameters().All(p => CoDiTestData.Same(p.parameter, backboneBefore[p.name]));
        bool adapterSame = method.Student.Adapter.named_parameters().All(p => CoDiTestData.Same(p.parameter, adapterBefore[p.name]));
        Assert.Equal(scopeKind == TrainableScope.AdapterOnly, backboneSame);
        Assert.False(adapterSame);
        Assert.All(teacher.named_parameters(), p => Assert.True(CoDiTestData.Same(p.parameter, teacherBefore[p.name]), p.name));
        // The student started as a copy of the teacher.
        Assert.All(backboneBefore, kv => Assert.True(CoDiTestData.Same(kv.Value, teacherBefore[kv.Key]), kv.Key));
        long adapterCount = method.Student.ParameterCount(TrainableScope.AdapterOnly);
        Assert.Equal(scopeKind == TrainableScope.AdapterOnly ? adapterCount : method.Student.ParameterCount(TrainableScope.Full), method.TrainableParameterCount);
    }

    [Fact]
    public void TheEmaTargetNeverReceivesGradientsAndTracksTheStudent()
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(32);
        using var method = Build(teacher, CoDiOptions.FrozenTeacherNextPoint with { TrainableSet = TrainableScope.AdapterOnly, EmaDecay = 0.9 });
        using var optimizer = optim.SGD(method.TrainableParameters.Select(p => p.Parameter), learningRate: 0.1);
        using var generator = new Generator(5);
        var (x, c) = Pairs(3);
        const string probe = "adapter.middle_projection.weight";
        var targetBefore = method.Target.named_parameters().First(p => p.name == probe).parameter.detach().clone();

        method.Loss(x, c, generator).Total.backward();
        Assert.All(method.Target.named_parameters(), p =>
        {
            Assert.False(p.parameter.requires_grad, p.name);
            Assert.True(p.parameter.grad is null, $"target parameter {p.name} received a gradient");
        });
        Assert.All(teacher.named_parameters(), p => Assert.True(p.parameter.grad is null, $"teacher parameter {p.name} received a gradient"));
        var studentProbe = method.Student.named_parameters().First(p => p.name == probe).parameter;
        Assert.True(studentProbe.grad!.abs().sum().item<float>() > 0);

        optimizer.step();
        double decay = method.UpdateEma();
        Assert.Equal(0.9, decay);
        var expected = 0.9 * targetBefore + 0.1 * studentProbe.detach();
        var targetProbe = method.Target.named_parameters().First(p => p.name == probe).parameter;
        Assert.True(CoDiTestData.MaxAbs(targetProbe, expected) < 1e-7);
        Assert.True(studentProbe.detach().abs().sum().item<float>() > 0); // the zero conv moved, so the check is not 0 = 0
        // Frozen backbone: the target uses the student's (unchanged) values.
        var studentBackbone = method.Student.named_parameters().Where(p => p.name.StartsWith("backbone.", StringComparison.Ordinal)).ToDictionary(p => p.name, p => p.parameter);
        Assert.All(method.Target.named_parameters().Where(p => p.name.StartsWith("backbone.", StringComparison.Ordinal)),
            p => Assert.True(CoDiTestData.Same(p.parameter, studentBackbone[p.name]), p.name));
    }

    [Fact]
    public void InitializationAndFusionFollowTheOptions()
    {
        using var scope = NewDisposeScope();
        using var teacher = UNetTests.TinyUNet(33);
        using var pretrained = Build(teacher, CoDiOptions.MuBlend);
        using var random = Build(teacher, CoDiOptions.RandomInit);
        var (x, c) = Pairs(4);
        var t = tensor(new long[] { 500, 500 });
        using (no_grad())
        {
            // Pretrained: the conditional student starts as the teacher, and the target as the student.
            Assert.True(CoDiTestData.Same(pretrained.Student.Forward(x, t, c), teacher.call(x, t)));
            Assert.True(CoDiTestData.Same(pretrained.Target.Forward(x, t, c), teacher.call(x, t)));
            Assert.True(CoDiTestData.MaxAbs(random.Student.Forward(x, t, c), teacher.call(x, t)) > 1e-3);
        }
        Assert.Equal(ControlNetFusion.MuBlend, pretrained.Student.Adapter.Config.Fusion);
        Assert.Contains(pretrained.Student.named_parameters(), p => p.name == "adapter.mu.0");
        Assert.Equal(ControlNetFusion.ZeroConv, random.Student.Adapter.Config.Fusion);
    }
}
