using System.Globalization;
using CondDistill.Diffusion;
using CondDistill.Models;
using CondDistill.Reporting;
using CondDistill.Training.CoDi;
using static TorchSharp.torch;

namespace CondDistill.Notebooks;

/// <summary>
/// One CoDi iteration taken apart (method.md section 3): for a batch (x, c), one grid step t -> s and
/// one fixed noise eps, the loss is evaluated three times with the same online student, EMA target
/// and teacher, once per next-point switch (PREv, DDIM, frozen teacher), keeping every intermediate.
/// Nothing trains; gradients are off.
/// </summary>
/// <param name="T">The timestep t.</param>
/// <param name="S">The timestep s = t - k.</param>
/// <param name="X">The clean images.</param>
/// <param name="C">The conditions.</param>
/// <param name="Eps">The noise that made z_t.</param>
/// <param name="Views">One evaluation per switch, in the order PREv, DDIM, teacher.</param>
public sealed record CoDiDissection(int T, int S, Tensor X, Tensor C, Tensor Eps, IReadOnlyList<CoDiStepView> Views)
{
    /// <summary>The switches in the order they are evaluated.</summary>
    public static IReadOnlyList<NextPointSource> Sources { get; } = [NextPointSource.Prev, NextPointSource.Ddim, NextPointSource.Teacher];

    /// <summary>
    /// Evaluates the loss of <paramref name="method"/> at grid index <paramref name="gridIndex"/>
    /// (t = i k, s = t - k) with the noise of <paramref name="noiseSeeds"/> (one seed per image), once per switch.
    /// </summary>
    /// <param name="method">The CoDi method (its student, EMA target, teacher, schedule and options; the next-point switch is overridden).</param>
    /// <param name="x">Clean images [B, 1, H, W].</param>
    /// <param name="c">Conditions [B, Cc, H, W].</param>
    /// <param name="gridIndex">i in 1..N-1.</param>
    /// <param name="noiseSeeds">Seeds of eps (<see cref="SeededNoise"/>), one per image.</param>
    /// <exception cref="ArgumentOutOfRangeException">The grid index is outside 1..N-1.</exception>
    public static CoDiDissection Run(CoDiMethod method, Tensor x, Tensor c, int gridIndex, IReadOnlyList<long> noiseSeeds)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (gridIndex < 1 || gridIndex >= method.Grid.TeacherSteps)
            throw new ArgumentOutOfRangeException(nameof(gridIndex), gridIndex, $"The grid index must lie in 1..{method.Grid.TeacherSteps - 1} (t = i * {method.Grid.Spacing}).");
        int t = gridIndex * method.Grid.Spacing, s = t - method.Grid.Spacing;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long batch = x.shape[0];
        var tt = full(batch, (long)t, ScalarType.Int64, x.device);
        var ss = full(batch, (long)s, ScalarType.Int64, x.device);
        var eps = SeededNoise.Normal([x.shape[1], x.shape[2], x.shape[3]], noiseSeeds, x.device, x.dtype);
        var online = method.Student.WithCondition(c);
        var target = method.Target.WithCondition(c);
        var teacher = method.Teacher.AsVelocityModel();
        var views = new List<CoDiStepView>();
        foreach (var source in Sources)
        {
            var terms = CoDiLoss.Compute(online, target, teacher, method.Schedule, x, tt, ss, eps,
                method.Options with { NextPointSource = source }, keepIntermediates: true);
            var step = terms.Intermediates!;
            var (alphaS, sigmaS) = method.Schedule.Gather(ss, (int)x.dim(), x.dtype);
            var targetXHat = Parameterization.XFromV(step.NextPoint, step.TargetVelocity, alphaS, sigmaS);
            views.Add(new CoDiStepView(source, terms.ConsistencyValue, terms.GuidanceValue, step.MoveToOuterDisposeScope(), targetXHat.MoveToOuterDisposeScope()));
        }
        return new CoDiDissection(t, s, x.detach().clone().MoveToOuterDisposeScope(), c.detach().clone().MoveToOuterDisposeScope(), eps.MoveToOuterDisposeScope(), views);
    }

    /// <summary>The view of one switch.</summary>
    public CoDiStepView View(NextPointSource source) => Views.First(v => v.Source == source);

    /// <summary>
    /// Grid rows: x, each condition channel, z_t, x_hat_t, then z_s_hat of each switch, then the EMA
    /// target's x estimate at s for each switch. Noisy rows are shown clipped to [-1, 1].
    /// </summary>
    public IReadOnlyList<GridRow> Rows()
    {
        var rows = new List<GridRow> { new("x", X) };
        for (int channel = 0; channel < C.shape[1]; channel++) rows.Add(new GridRow(C.shape[1] == 1 ? "c" : $"c{channel}", C.narrow(1, channel, 1)));
        var first = Views[0].Step;
        rows.Add(new GridRow(Invariant($"z_t t={T}"), first.ZT));
        rows.Add(new GridRow("x_hat_t", first.XHatT));
        foreach (var view in Views) rows.Add(new GridRow(Invariant($"z_s {Name(view.Source)} s={S}"), view.Step.NextPoint));
        foreach (var view in Views) rows.Add(new GridRow($"ema x_hat_s {Name(view.Source)}", view.TargetXHat));
        return rows;
    }

    /// <summary>The two loss terms (and their sum with lambda = 1) under each switch.</summary>
    public MetricsTable LossTable()
    {
        var table = new MetricsTable(["z_s_hat from", "t", "s", "consistency d_eps", "guidance d_x", "sum (lambda 1)"]);
        foreach (var view in Views) table.AddRow(Name(view.Source), T, S, view.Consistency, view.Guidance, view.Consistency + view.Guidance);
        return table;
    }

    /// <summary>Short name of a switch: "PREv", "DDIM" or "teacher".</summary>
    public static string Name(NextPointSource source) => source switch
    {
        NextPointSource.Prev => "PREv",
        NextPointSource.Ddim => "DDIM",
        NextPointSource.Teacher => "teacher",
        _ => source.ToString(),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
