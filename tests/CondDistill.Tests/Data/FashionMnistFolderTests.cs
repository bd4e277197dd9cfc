using CondDistill.Data;

namespace CondDistill.Tests.Data;

/// <summary>Locating the folder and reading synthetic or damaged folders.</summary>
public sealed class FashionMnistFolderTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SyntheticFolderLoadsItsPixelsAndLabels(bool gzip)
    {
        using var data = SyntheticFashionMnist.Create(trainCount: 12, testCount: 3, gzip: gzip);
        var dataset = FashionMnist.Open(data.Folder);

        using var batch = dataset.Load(DatasetSplit.Train, start: 10, count: 2);

        Assert.Equal(3, dataset.Count(DatasetSplit.Test));
        Assert.Equal(new long[] { 0, 1 }, batch.Labels.data<long>().ToArray());
        Assert.Equal(FashionMnist.ScalePixel(SyntheticFashionMnist.Pixel(11, 5, 7)), batch.Images[1, 0, 5, 7].item<float>());
        Assert.Equal(gzip, dataset.ImagesPath(DatasetSplit.Train).EndsWith(".gz", StringComparison.Ordinal));
    }

    [Fact]
    public void RewrittenFileIsReadAgain()
    {
        using var data = SyntheticFashionMnist.Create(trainCount: 2, testCount: 2);
        var dataset = FashionMnist.Open(data.Folder);
        Assert.Equal(2, dataset.Count(DatasetSplit.Test));

        SyntheticFashionMnist.WriteSplit(data.Folder, DatasetSplit.Test, count: 5, gzip: true);

        Assert.Equal(5, dataset.Count(DatasetSplit.Test));
    }

    [Fact]
    public void ImageAndLabelCountMismatchNamesBothFiles()
    {
        using var data = SyntheticFashionMnist.Create(trainCount: 4, testCount: 2);
        string labels = data.PathOf(DatasetSplit.Train, images: false);
        IdxFormat.WriteLabels(labels, [1, 2, 3]);

        var error = Assert.Throws<DatasetFormatException>(() => FashionMnist.Open(data.Folder).Load(DatasetSplit.Train));

        Assert.Equal(DatasetProblem.CountMismatch, error.Problem);
        Assert.Contains($"'{labels}': holds 3 labels", error.Message);
        Assert.Contains($"'{data.PathOf(DatasetSplit.Train, images: true)}' holds 4 images", error.Message);
    }

    [Fact]
    public void LabelOutsideTheTenClassesIsReported()
    {
        using var data = SyntheticFashionMnist.Create(trainCount: 2, testCount: 3);
        string labels = data.PathOf(DatasetSplit.Test, images: false);
        IdxFormat.WriteLabels(labels, [1, 10, 3]);

        var error = Assert.Throws<DatasetFormatException>(() => FashionMnist.Open(data.Folder).Count(DatasetSplit.Test));

        Assert.Equal(DatasetProblem.LabelOutOfRange, error.Problem);
        Assert.Contains("label 1 is 10; expected a class index 0..9", error.Message);
    }

    [Fact]
    public void MissingFileIsReportedUnderItsGzipName()
    {
        using var data = SyntheticFashionMnist.Create();
        string images = data.PathOf(DatasetSplit.Test, images: true);
        File.Delete(images);

        var error = Assert.Throws<DatasetFormatException>(() => FashionMnist.Open(data.Folder).Load(DatasetSplit.Test));

        Assert.Equal(DatasetProblem.MissingFile, error.Problem);
        Assert.Equal(images, error.FilePath);
        Assert.Contains(images, error.Message);
    }

    [Fact]
    public void ExplicitFolderWinsOverTheVariableAndAcceptsTheParentFolder()
    {
        using var data = SyntheticFashionMnist.Create();
        string parent = Path.Combine(data.Folder, "root");
        string nested = Path.Combine(parent, "fashion-mnist");
        Directory.CreateDirectory(nested);

        Assert.Equal(data.Folder, FashionMnist.LocateFolder(data.Folder, "/does/not/matter", []));
        Assert.Equal(nested, FashionMnist.LocateFolder(parent, null, []));
        Assert.Equal(nested, FashionMnist.LocateFolder(null, parent, ["/"]));
    }

    [Fact]
    public void SearchWalksUpToTheFirstDataFashionMnistFolder()
    {
        using var data = SyntheticFashionMnist.Create();
        string target = Path.Combine(data.Folder, "data", "fashion-mnist");
        string deep = Path.Combine(data.Folder, "a", "b", "c");
        Directory.CreateDirectory(target);
        Directory.CreateDirectory(deep);

        using var other = SyntheticFashionMnist.Create();

        Assert.Equal(target, FashionMnist.LocateFolder(null, null, [deep]));
        Assert.Equal(target, FashionMnist.LocateFolder("", "  ", [other.Folder, deep])); // blank settings ignored, next start tried
    }

    [Fact]
    public void NamedFolderThatDoesNotExistSaysWhereTheNameCameFrom()
    {
        string missing = Path.Combine(Path.GetTempPath(), "conddistill-no-such-" + Guid.NewGuid().ToString("N"));

        var fromVariable = Assert.Throws<DatasetFormatException>(() => FashionMnist.LocateFolder(null, missing, []));
        var fromArgument = Assert.Throws<DatasetFormatException>(() => FashionMnist.Open(missing));

        Assert.Equal(DatasetProblem.MissingFolder, fromVariable.Problem);
        Assert.Contains($"'{missing}'", fromVariable.Message);
        Assert.Contains("CONDDISTILL_DATA", fromVariable.Message);
        Assert.Contains("the folder argument", fromArgument.Message);
    }

    [Fact]
    public void FolderWithoutDatasetFilesIsRejected()
    {
        using var data = SyntheticFashionMnist.Create();
        string empty = Path.Combine(data.Folder, "empty");
        Directory.CreateDirectory(empty);

        var error = Assert.Throws<DatasetFormatException>(() => FashionMnist.Open(empty));
        Assert.Contains("holds none of the Fashion-MNIST files", error.Message);
    }

    [Fact]
    public void FailedSearchListsWhereItLooked()
    {
        using var data = SyntheticFashionMnist.Create();
        string start = Path.Combine(data.Folder, "x");
        Directory.CreateDirectory(start);

        // Nothing named data/fashion-mnist above a temp folder (the temp root is outside the repository).
        var error = Assert.Throws<DatasetFormatException>(() => FashionMnist.LocateFolder(null, null, [start]));

        Assert.Equal(DatasetProblem.MissingFolder, error.Problem);
        Assert.Contains($"'{start}'", error.Message);
        Assert.Contains("CONDDISTILL_DATA", error.Message);
    }
}
