using CondDistill.Data;
using TorchSharp;

namespace CondDistill.Reporting;

/// <summary>
/// The newcomer's first picture: images in the top row and, below, one row per channel of the
/// condition a task computes from them.
/// </summary>
public static class ConditionPreview
{
    /// <summary>Loads <paramref name="count"/> images of a split, computes the task's conditions and writes the grid.</summary>
    /// <param name="data">The dataset.</param>
    /// <param name="task">The condition task.</param>
    /// <param name="split">Which split to show (the test split by default in the CLI).</param>
    /// <param name="start">First dataset index.</param>
    /// <param name="count">Number of columns.</param>
    /// <param name="seed">Seed of the task's per-sample randomness.</param>
    /// <param name="path">Output PNG.</param>
    /// <param name="options">Grid layout; 3x scale by default.</param>
    public static void Save(FashionMnist data, ConditionTask task, DatasetSplit split, int start, int count, int seed, string path,
        ImageGridOptions? options = null)
    {
        using var scope = torch.NewDisposeScope();
        using var batch = data.Load(split, start, count);
        var conditions = task.Compute(batch.Images, batch.Indices, seed);
        ImageGrid.SaveRows(path, Rows(task, batch.Images, conditions), options ?? new ImageGridOptions { Scale = 3 });
    }

    /// <summary>Grid rows: "image", then one row per condition channel named by <see cref="ConditionTask.ChannelNames"/>.</summary>
    public static IReadOnlyList<GridRow> Rows(ConditionTask task, torch.Tensor images, torch.Tensor conditions)
    {
        var rows = new List<GridRow> { new("image", images) };
        for (int channel = 0; channel < task.ConditionChannels; channel++)
            rows.Add(new GridRow(task.ChannelNames[channel], conditions.narrow(1, channel, 1)));
        return rows;
    }

    /// <summary>Grid rows of a conditional result's header: one per condition channel, then "truth" (the images).</summary>
    public static List<GridRow> ConditionRowsThenTruth(ConditionTask task, torch.Tensor images, torch.Tensor conditions) =>
        [.. Rows(task, images, conditions).Skip(1), new GridRow("truth", images)];
}
