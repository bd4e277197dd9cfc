using CondDistill.Experiments;
using CondDistill.Runtime;

namespace CondDistill.Notebooks;

/// <summary>
/// Reproduction tables in notebooks: where the committed full table lives, and smaller
/// <see cref="ReproductionProfile"/>s cut from the library's profiles (some runs, some samplers, or a
/// single row) for a live run inside a notebook.
/// </summary>
public static class NotebookReproduction
{
    /// <summary>The committed full super-resolution table, relative to the repository root.</summary>
    public static readonly string CommittedTableRelativePath = Path.Combine("data", "results", "sr4-full", "table.json");

    /// <summary>The committed full table's path when it exists (searched upwards from the program and the current folder), else null.</summary>
    public static string? CommittedTable()
    {
        string? folder = RepositoryFolders.FindUp(Path.Combine("data", "results", "sr4-full"), RepositoryFolders.DefaultStarts);
        string? path = folder is null ? null : Path.Combine(folder, "table.json");
        return path is not null && File.Exists(path) ? path : null;
    }

    /// <summary>Where notebooks write live reproductions: a <c>reproduce</c> folder beside <see cref="NotebookModels.RunsFolder"/>.</summary>
    public static string OutputFolder(string name) => Path.Combine(Path.GetDirectoryName(NotebookModels.RunsFolder())!, "reproduce", name);

    /// <summary>
    /// <paramref name="profile"/> with only the runs <paramref name="runKeys"/> (plus the fine-tuning runs
    /// they distil, which must train first) and only their rows, optionally only those whose sampler name
    /// is in <paramref name="samplerNames"/>. Budget rows follow the kept runs.
    /// </summary>
    /// <exception cref="ArgumentException">A run key is not in the profile; the message lists the keys.</exception>
    public static ReproductionProfile Restrict(ReproductionProfile profile, IReadOnlyCollection<string> runKeys, IReadOnlyCollection<string>? samplerNames = null)
    {
        foreach (string key in runKeys)
            if (profile.Runs.All(r => r.Key != key))
                throw new ArgumentException($"Run '{key}' is not in the {profile.Name} profile; its runs are {string.Join(", ", profile.Runs.Select(r => r.Key))}.", nameof(runKeys));
        var needed = new HashSet<string>(runKeys);
        foreach (var run in profile.Runs.Where(r => runKeys.Contains(r.Key)))
            if (run.ConditionalTeacherRun is string dependency) needed.Add(dependency);
        var rows = profile.Rows.Where(r => runKeys.Contains(r.RunKey) && (samplerNames is null || samplerNames.Contains(r.Sampler.Name))).ToList();
        return profile with
        {
            Runs = profile.Runs.Where(r => needed.Contains(r.Key)).ToList(),
            Rows = rows,
            BudgetRows = profile.BudgetRows.Where(r => runKeys.Contains(r.RunKey)).ToList(),
        };
    }

    /// <summary>
    /// A profile with the sizes of <paramref name="sizes"/> that trains only what the row
    /// <paramref name="rowKey"/> of <paramref name="rowsFrom"/> needs and evaluates only that row (no budget curve).
    /// </summary>
    /// <exception cref="ArgumentException">No such row; the message lists the keys.</exception>
    public static ReproductionProfile SingleRow(ReproductionProfile sizes, ReproductionProfile rowsFrom, string rowKey)
    {
        var row = rowsFrom.Rows.FirstOrDefault(r => r.Key == rowKey)
            ?? throw new ArgumentException($"Row '{rowKey}' is not in the {rowsFrom.Name} profile; its rows are {string.Join(", ", rowsFrom.Rows.Select(r => r.Key))}.", nameof(rowKey));
        var run = rowsFrom.Runs.First(r => r.Key == row.RunKey);
        var runs = new List<ReproductionRun>();
        if (run.ConditionalTeacherRun is string dependency) runs.Add(rowsFrom.Runs.First(r => r.Key == dependency));
        runs.Add(run);
        return sizes with { Runs = runs, Rows = [row], BudgetRows = [], BudgetSteps = [] };
    }
}
