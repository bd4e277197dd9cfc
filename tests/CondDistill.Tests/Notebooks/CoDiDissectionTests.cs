using CondDistill.Diffusion;
using CondDistill.Models;
using CondDistill.Notebooks;
using CondDistill.Training.CoDi;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Notebooks;

public sealed class CoDiDissectionTests
{
    private static (CoDiMethod Method, UNet Teacher, Tensor X, Tensor C) Setup()
    {
        var teacher = new UNet(UNetConfig.Tiny, new Generator(5));
        var schedule = NoiseSchedule.Cosine();
        var method = new CoDiMethod(teacher, 1, schedule, CoDiOptions.PaperDefaults, new Generator(6), hintChannels: 4);
        var x = rand([2, 1, 8, 8], generator: new Generator(7)) * 2 - 1;
        var c = rand([2, 1, 8, 8], generator: new Generator(8)) * 2 - 1;
        return (method, teacher, x, c);
    }

    [Fact]
    public void Three_switches_share_t_s_noise_and_online_prediction()
    {
        var (method, teacher, x, c) = Setup();
        using (method) using (teacher)
        {
            var d = CoDiDissection.Run(method, x, c, gridIndex: 30, noiseSeeds: [11, 12]);
            Assert.Equal((600, 580), (d.T, d.S));
            Assert.Equal(CoDiDissection.Sources, d.Views.Select(v => v.Source).ToList());
            Assert.Equal(new long[] { 600, 600 }, d.Views[0].Step.T.data<long>().ToArray());
            // Same online prediction under every switch, so the same guidance term = mean((x_hat_t - x)^2).
            double guidance = nn.functional.mse_loss(d.Views[0].Step.XHatT, x).item<float>();
            foreach (var view in d.Views) Assert.Equal(guidance, view.Guidance, 5);
            // eps is the seeded noise of seeds 11 and 12.
            Assert.True(d.Eps.allclose(SeededNoise.Normal([1, 8, 8], [11, 12])));
        }
    }

    [Fact]
    public void Prev_uses_the_original_noise_and_teacher_equals_ddim_at_initialisation()
    {
        var (method, teacher, x, c) = Setup();
        using (method) using (teacher)
        {
            var d = CoDiDissection.Run(method, x, c, gridIndex: 10, noiseSeeds: [1, 2]);
            var schedule = method.Schedule;
            var prev = d.View(NextPointSource.Prev);
            var expected = schedule.Alpha(d.S) * prev.Step.XHatT + schedule.Sigma(d.S) * d.Eps;
            Assert.True(prev.Step.NextPoint.allclose(expected, rtol: 1e-5, atol: 1e-5));
            // The zero-initialised adapter leaves the student equal to the teacher, so the teacher's step is the online DDIM step.
            Assert.True(d.View(NextPointSource.Teacher).Step.NextPoint.allclose(d.View(NextPointSource.Ddim).Step.NextPoint, rtol: 1e-5, atol: 1e-5));
            Assert.False(prev.Step.NextPoint.allclose(d.View(NextPointSource.Ddim).Step.NextPoint, rtol: 1e-3, atol: 1e-3));
            // The EMA target's x estimate is alpha_s z_s_hat - sigma_s w_minus.
            var ddim = d.View(NextPointSource.Ddim);
            Assert.True(ddim.TargetXHat.allclose(schedule.Alpha(d.S) * ddim.Step.NextPoint - schedule.Sigma(d.S) * ddim.Step.TargetVelocity, rtol: 1e-5, atol: 1e-5));
        }
    }

    [Fact]
    public void Rows_and_loss_table_name_every_switch()
    {
        var (method, teacher, x, c) = Setup();
        using (method) using (teacher)
        {
            var d = CoDiDissection.Run(method, x, c, gridIndex: 49, noiseSeeds: [1, 2]);
            Assert.Equal(["x", "c", "z_t t=980", "x_hat_t", "z_s PREv s=960", "z_s DDIM s=960", "z_s teacher s=960",
                "ema x_hat_s PREv", "ema x_hat_s DDIM", "ema x_hat_s teacher"], d.Rows().Select(r => r.Label).ToList());
            var table = d.LossTable();
            Assert.Equal(["PREv", "DDIM", "teacher"], table.Rows.Select(r => (string)r[0]!).ToList());
            Assert.Equal(d.Views[1].Consistency + d.Views[1].Guidance, (double)table.Rows[1][5]!, 12);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50)]
    public void Grid_index_outside_the_grid_is_refused(int index)
    {
        var (method, teacher, x, c) = Setup();
        using (method) using (teacher)
            Assert.Contains("1..49", Assert.Throws<ArgumentOutOfRangeException>(() => CoDiDissection.Run(method, x, c, index, [1, 2])).Message);
    }
}
