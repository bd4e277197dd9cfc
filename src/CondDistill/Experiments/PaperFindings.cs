using System.Globalization;

namespace CondDistill.Experiments;

/// <summary>
/// The paper's findings F1-F5 (method.md section 5) as rules over a results table's rows, fixed
/// before any number was seen. Each rule compares FD-FMNIST (EMA weights) at the stated steps; a
/// finding whose rows are missing is "not measured".
/// </summary>
public static class PaperFindings
{
    /// <summary>Checks F1-F5 against <paramref name="rows"/>.</summary>
    public static IReadOnlyList<Finding> Check(IReadOnlyList<ResultRow> rows)
    {
        double? Fd(string key) => rows.FirstOrDefault(r => r.Key == key)?.Metrics.FdFmnist;
        ResultRow? Row(string key) => rows.FirstOrDefault(r => r.Key == key);
        const string CoDi4 = "codi.grid-N50-4.ema";
        const string ControlNet50 = "finetune-controlnet.ddim-50.ema";
        const string ControlNet4 = "finetune-controlnet.ddim-4.ema";
        const string Concat4 = "finetune-concat.ddim-4.ema";
        const string CmII4 = "cm-ii.consistency-N50-4.ema";
        const string GdII4 = "gd-ii.ddim-4.ema";
        const string PeCoDi4 = "pe-codi.grid-N50-4.ema";
        const string WithoutConsistency4 = "codi-without-consistency.grid-N50-4.ema";
        const string FrozenTeacher4 = "codi-frozen-teacher.grid-N50-4.ema";
        const string WithoutGuidance4 = "codi-without-dx.grid-N50-4.ema";

        var findings = new List<Finding>();

        string f1Claim = "CoDi at 1-4 steps approaches the many-step fine-tuned model; the fine-tuned model at 4 steps is much worse.";
        string f1Rule = "CoDi-4 closes at least half of the FD gap between ControlNet DDIM-4 and ControlNet DDIM-50, and ControlNet DDIM-4 has at least 1.25 x the FD of DDIM-50.";
        if (Fd(CoDi4) is double codi && Fd(ControlNet50) is double cn50 && Fd(ControlNet4) is double cn4)
        {
            double closed = cn4 > cn50 ? (cn4 - codi) / (cn4 - cn50) : double.NaN;
            bool holds = cn4 >= 1.25 * cn50 && closed >= 0.5;
            findings.Add(new("F1", f1Claim, f1Rule, holds ? Finding.Holds : Finding.DoesNotHold,
                F($"FD CoDi-4 {codi:F2}, ControlNet-50 {cn50:F2}, ControlNet-4 {cn4:F2} ({cn4 / cn50:F2} x); gap closed {closed:P0}.")));
        }
        else findings.Add(new("F1", f1Claim, f1Rule, Finding.NotMeasured, "needs CoDi grid-4, ControlNet DDIM-50 and DDIM-4 rows."));

        string f2Claim = "Single-stage CoDi beats the two-stage CM-II and GD-II at equal steps.";
        string f2Rule = "FD of CoDi-4 is below FD of CM-II-4 (and of GD-II-4 when measured).";
        if (Fd(CoDi4) is double c2 && Fd(CmII4) is double cm)
        {
            double? gd = Fd(GdII4);
            bool holds = c2 < cm && (gd is null || c2 < gd);
            findings.Add(new("F2", f2Claim, f2Rule, holds ? Finding.Holds : Finding.DoesNotHold,
                F($"FD CoDi-4 {c2:F2}, CM-II-4 {cm:F2}, GD-II-4 {(gd is double g ? g.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "not trained")}.")));
        }
        else findings.Add(new("F2", f2Claim, f2Rule, Finding.NotMeasured, "needs CoDi grid-4 and CM-II consistency-4 rows."));

        string f3Claim = "Removing the consistency term hurts most; the frozen-teacher step hurts a little; the adapter alone gives nothing.";
        string f3Rule = "FD(CoDi-4) < FD(frozen-teacher-4) < FD(without-consistency-4), and ControlNet DDIM-4 is within 10 % of concat DDIM-4.";
        if (Fd(CoDi4) is double c3 && Fd(FrozenTeacher4) is double ft && Fd(WithoutConsistency4) is double wc && Fd(ControlNet4) is double cn && Fd(Concat4) is double cc)
        {
            bool order = c3 < ft && ft < wc;
            bool adapter = Math.Abs(cn - cc) <= 0.1 * cc;
            findings.Add(new("F3", f3Claim, f3Rule, order && adapter ? Finding.Holds : Finding.DoesNotHold,
                F($"FD CoDi-4 {c3:F2}, frozen-teacher-4 {ft:F2}, without-consistency-4 {wc:F2} (order {(order ? "as the paper" : "differs")}); ControlNet-4 {cn:F2} vs concat-4 {cc:F2} ({(adapter ? "within" : "beyond")} 10 %).")));
        }
        else findings.Add(new("F3", f3Claim, f3Rule, Finding.NotMeasured, "needs CoDi, frozen-teacher and without-consistency grid-4 rows and the ControlNet and concat DDIM-4 rows."));

        string f4Claim = "PE-CoDi sits between the 4-step baselines and full CoDi.";
        string f4Rule = "FD(CoDi-4) < FD(PE-CoDi-4) < the best FD among ControlNet DDIM-4, concat DDIM-4 and CM-II-4.";
        var baselines = new[] { ControlNet4, Concat4, CmII4 }.Select(Fd).OfType<double>().ToList();
        if (Fd(CoDi4) is double c4 && Fd(PeCoDi4) is double pe && baselines.Count > 0)
        {
            double best = baselines.Min();
            findings.Add(new("F4", f4Claim, f4Rule, c4 < pe && pe < best ? Finding.Holds : Finding.DoesNotHold,
                F($"FD CoDi-4 {c4:F2}, PE-CoDi-4 {pe:F2}, best 4-step baseline {best:F2} (of {baselines.Count}).")));
        }
        else findings.Add(new("F4", f4Claim, f4Rule, Finding.NotMeasured, "needs CoDi and PE-CoDi grid-4 rows and at least one 4-step baseline."));

        string f5Claim = "Without d_x the outputs over-saturate (and LPIPS gets worse).";
        string f5Rule = "Saturation of CoDi-without-d_x-4 relative to the ground truth is above both 1.05 and CoDi-4's.";
        if (Row(CoDi4) is { } full && Row(WithoutGuidance4) is { } without
            && full.Metrics.SaturationRatio is double sFull && without.Metrics.SaturationRatio is double sWithout)
        {
            bool holds = sWithout > Math.Max(1.05, sFull);
            findings.Add(new("F5", f5Claim, f5Rule, holds ? Finding.Holds : Finding.DoesNotHold,
                F($"saturation / truth CoDi-4 {sFull:F2}, without d_x {sWithout:F2}; LPIPS-style {full.Metrics.LpipsStyleDistance:F3} vs {without.Metrics.LpipsStyleDistance:F3}; FD {full.Metrics.FdFmnist:F2} vs {without.Metrics.FdFmnist:F2}.")));
        }
        else findings.Add(new("F5", f5Claim, f5Rule, Finding.NotMeasured, "needs CoDi and CoDi-without-d_x grid-4 rows."));
        return findings;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
