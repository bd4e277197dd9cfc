using CondDistill.Data;
using CondDistill.Reporting;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace CondDistill.Tests.Reporting;

public sealed class ConditionPreviewTests
{
    [Theory]
    [InlineData("sr4", 2)]
    [InlineData("inpaint", 3)]
    [InlineData("edges", 2)]
    public void PreviewHasAnImageRowAndOneRowPerConditionChannel(string taskName, int expectedRows)
    {
        var task = ConditionTasks.Create(taskName);
        string path = Path.Combine(Path.GetTempPath(), $"preview-{Guid.NewGuid():N}.png");
        var options = new ImageGridOptions { Scale = 1, Padding = 2 };
        ConditionPreview.Save(FashionMnist.Open(), task, DatasetSplit.Test, start: 0, count: 4, seed: 0, path, options);
        using var png = Image.Load<L8>(path);
        File.Delete(path);
        Assert.Equal(2 + expectedRows * (28 + 2), png.Height);
    }

    [Fact]
    public void PreviewRowsShowTheConditionItself()
    {
        using var scope = torch.NewDisposeScope();
        var task = ConditionTasks.Create("sr4");
        using var batch = FashionMnist.Open().Load(DatasetSplit.Test, 0, 2);
        var conditions = task.Compute(batch.Images, batch.Indices, seed: 0);
        var rows = ConditionPreview.Rows(task, batch.Images, conditions);
        Assert.Equal(new[] { "image", "sr4" }, rows.Select(r => r.Label));
        Assert.True(rows[1].Images.eq(conditions).all().item<bool>());
    }
}
