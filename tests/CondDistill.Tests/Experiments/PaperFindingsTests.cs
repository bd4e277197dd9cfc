using CondDistill.Evaluation;
using CondDistill.Experiments;

namespace CondDistill.Tests.Experiments;

/// <summary>The fixed rules that check F1-F5 against a table, on hand-made rows.</summary>
public sealed class PaperFindingsTests
{
    private static ResultRow Row(string key, double fd, double saturation = 1.0)
    {
        var protocol = new EvaluationProtocol("hash", "test", 10, 10, [0, 9], "ema", "s", 4);
        return new ResultRow(key, key, key.Split('.')[0], "s", 4, "ema", new MetricsReport(protocol, FdFmnist: fd, SaturationRatio: saturation, LpipsStyleDistance: 0.3),
            1, 1, 1, 1);
    }

    /// <summary>Rows shaped like the paper's Table 1 and ablation (FID numbers reused as FD).</summary>
    private static List<ResultRow> PaperLike() =>
    [
        Row("finetune-controlnet.ddim-50.ema", 19.2), Row("finetune-controlnet.ddim-4.ema", 34.6), Row("finetune-concat.ddim-4.ema", 33.0),
        Row("codi.grid-N50-4.ema", 19.6, saturation: 1.0), Row("pe-codi.grid-N50-4.ema", 25.2), Row("cm-ii.consistency-N50-4.ema", 27.8),
        Row("gd-ii.ddim-4.ema", 23.7), Row("codi-frozen-teacher.grid-N50-4.ema", 20.3), Row("codi-without-consistency.grid-N50-4.ema", 25.7),
        Row("codi-without-dx.grid-N50-4.ema", 22.0, saturation: 1.4),
    ];

    [Fact]
    public void ThePapersOwnNumbersSatisfyEveryRule()
    {
        var findings = PaperFindings.Check(PaperLike());
        Assert.Equal(["F1", "F2", "F3", "F4", "F5"], findings.Select(f => f.Id));
        Assert.All(findings, f => Assert.Equal(Finding.Holds, f.Verdict));
        Assert.Contains("19.60", findings[0].Evidence);
    }

    [Fact]
    public void EachRuleFailsWhenItsComparisonTurns()
    {
        List<ResultRow> With(string key, double fd, double saturation = 1.0) => PaperLike().Select(r => r.Key == key ? Row(key, fd, saturation) : r).ToList();
        string Verdict(List<ResultRow> rows, string id) => PaperFindings.Check(rows).Single(f => f.Id == id).Verdict;

        Assert.Equal(Finding.DoesNotHold, Verdict(With("finetune-controlnet.ddim-4.ema", 20.0), "F1")); // 4 steps barely worse than 50
        Assert.Equal(Finding.DoesNotHold, Verdict(With("gd-ii.ddim-4.ema", 19.0), "F2"));
        Assert.Equal(Finding.DoesNotHold, Verdict(With("codi-frozen-teacher.grid-N50-4.ema", 30.0), "F3"));
        Assert.Equal(Finding.DoesNotHold, Verdict(With("pe-codi.grid-N50-4.ema", 40.0), "F4"));
        Assert.Equal(Finding.DoesNotHold, Verdict(With("codi-without-dx.grid-N50-4.ema", 22.0, saturation: 1.02), "F5"));
        Assert.Equal(Finding.NotMeasured, Verdict(PaperLike().Where(r => !r.Key.StartsWith("cm-ii")).ToList(), "F2"));
    }

    [Fact]
    public void TheBudgetRankingIsStableOnlyWhenTheLastStepsAgree()
    {
        BudgetPoint P(string run, long step, double fd) => new(run, run, "s", step, fd, 0, 0);
        var settled = new[] { P("a", 1, 5), P("b", 1, 4), P("a", 2, 3), P("b", 2, 4), P("a", 3, 2), P("b", 3, 4) };
        Assert.Equal(2, BudgetCurve.StableFrom(settled));
        var flipping = new[] { P("a", 1, 5), P("b", 1, 4), P("a", 2, 3), P("b", 2, 4), P("a", 3, 5), P("b", 3, 4) };
        Assert.Null(BudgetCurve.StableFrom(flipping));
        Assert.Equal(["b", "a"], BudgetCurve.Rankings(flipping)[^1].RunsBestFirst);
    }
}
