using CondDistill.Evaluation;
using CondDistill.Experiments;
using CondDistill.Notebooks;

namespace CondDistill.Tests.Notebooks;

public sealed class PaperTablesTests
{
    [Fact]
    public void Paper_numbers_match_method_md_section_5()
    {
        var codi = PaperTables.Ablation.Single(r => r.Method == "CoDi");
        Assert.Equal((19.637, 0.2656, "codi.grid-N50-4.ema"), (codi.Fid, codi.Lpips, codi.OurRowKey));
        var withoutConsistency = PaperTables.Ablation.Single(r => r.Method == "CoDi without the consistency term");
        Assert.Equal((25.728, 0.3252), (withoutConsistency.Fid, withoutConsistency.Lpips));
        Assert.Equal(12, PaperTables.SuperResolution.Count);
        Assert.Equal(6, PaperTables.Ablation.Count);
        // Every row key we point to exists in the full reproduction profile.
        var keys = ReproductionProfile.Full.Rows.Select(r => r.Key).ToHashSet();
        foreach (var row in PaperTables.SuperResolution.Concat(PaperTables.Ablation))
            if (row.OurRowKey is string key) Assert.Contains(key, keys);
    }

    [Fact]
    public void Our_rows_sit_beside_the_paper_rows_and_missing_ones_stay_empty()
    {
        var report = new MetricsReport(new EvaluationProtocol("h", "test", 8, 8, [0L, 7L], "ema", "grid-N50-4", 4), FdFmnist: 12.5, LpipsStyleDistance: 0.75);
        var ours = new ResultsTable("sr4", "x4", "smoke", "abc", "now", "teacher", "machine",
            [new ResultRow("codi.grid-N50-4.ema", "CoDi", "codi", "grid-N50-4", 4, "ema", report, 10, 2, 4, 1)], [], []);
        var table = PaperTables.BesideOurs(PaperTables.Ablation, ours);
        Assert.Equal(["paper row", "steps", "paper FID (real images)", "paper LPIPS", "our row", "our FD-FMNIST", "our LPIPS-style"], table.Columns);
        var codi = table.Rows.Single(r => (string)r[0]! == "CoDi");
        Assert.Equal(new object?[] { "CoDi", 4, 19.637, 0.2656, "CoDi grid-N50-4 ema", 12.5, 0.75 }, codi.ToArray());
        var ldm = table.Rows.Single(r => (string)r[0]! == "LDM");
        Assert.Equal(new object?[] { null, null, null }, ldm.Skip(4).ToArray());
        Assert.All(PaperTables.BesideOurs(PaperTables.Ablation, null).Rows, r => Assert.Null(r[5]));
        Assert.Equal(["paper row", "steps", "paper FID (real images)", "paper LPIPS"], PaperTables.PaperOnly(PaperTables.Ablation).Columns);
    }
}
