using CondDistill.Data;

namespace CondDistill.Tests.Data;

/// <summary>
/// A temporary Fashion-MNIST-shaped folder with a few synthetic images, for tests anywhere in the
/// suite: <c>using var data = SyntheticFashionMnist.Create(trainCount: 8, testCount: 4);</c> then
/// <c>FashionMnist.Open(data.Folder)</c>. Pixel (r, c) of image i is <see cref="Pixel"/>(i, r, c)
/// and its label is i % 10. The folder is deleted on dispose.
/// </summary>
public sealed class SyntheticFashionMnist : IDisposable
{
    private SyntheticFashionMnist(string folder) => Folder = folder;

    /// <summary>The folder holding the four files.</summary>
    public string Folder { get; }

    /// <summary>The pixel value of image i at (row, column).</summary>
    public static byte Pixel(int image, int row, int column) => (byte)((image * 37 + row * 28 + column) % 256);

    /// <summary>Writes train and test files (gzipped unless <paramref name="gzip"/> is false) into a new temporary folder.</summary>
    public static SyntheticFashionMnist Create(int trainCount = 6, int testCount = 4, bool gzip = true)
    {
        string folder = Path.Combine(Path.GetTempPath(), "conddistill-fmnist-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        WriteSplit(folder, DatasetSplit.Train, trainCount, gzip);
        WriteSplit(folder, DatasetSplit.Test, testCount, gzip);
        return new SyntheticFashionMnist(folder);
    }

    /// <summary>Path of one of the four files (.gz or raw, as written).</summary>
    public string PathOf(DatasetSplit split, bool images)
    {
        var dataset = FashionMnist.Open(Folder);
        return images ? dataset.ImagesPath(split) : dataset.LabelsPath(split);
    }

    /// <summary>Writes one split's two files.</summary>
    public static void WriteSplit(string folder, DatasetSplit split, int count, bool gzip)
    {
        const int size = FashionMnist.ImageSize;
        byte[] pixels = new byte[count * size * size];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
            for (int r = 0; r < size; r++)
                for (int c = 0; c < size; c++)
                    pixels[(i * size + r) * size + c] = Pixel(i, r, c);
        }
        string extension = gzip ? ".gz" : "";
        IdxFormat.WriteImages(Path.Combine(folder, FashionMnist.FileStem(split, images: true) + extension), pixels, count, size, size);
        IdxFormat.WriteLabels(Path.Combine(folder, FashionMnist.FileStem(split, images: false) + extension), labels);
    }

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { } // best effort: a temp folder left behind is harmless
    }
}
