using TorchSharp;

namespace CondDistill.Data;

/// <summary>
/// Fashion-MNIST (Zalando, MIT) read from the four IDX files shipped in <c>data/fashion-mnist/</c>.
/// Images come back as float32 [N, 1, 28, 28] scaled to [-1, 1] (pixel / 127.5 - 1), labels as
/// int64 [N]. Decoded file bytes are cached per process (keyed by full path, size and modification
/// time); every call returns fresh tensors the caller owns.
/// </summary>
public sealed class FashionMnist
{
    /// <summary>Height and width of every image.</summary>
    public const int ImageSize = 28;

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>Environment variable naming the data folder (the Fashion-MNIST folder itself or a folder holding <c>fashion-mnist/</c>).</summary>
    public const string DataFolderVariable = "CONDDISTILL_DATA";

    /// <summary>Folder searched for, walking up from the application and the current directory.</summary>
    public static readonly string RelativeFolder = Path.Combine("data", "fashion-mnist");

    private const string SubfolderName = "fashion-mnist";

    private static readonly string[] classNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private static readonly Lock cacheLock = new();
    private static readonly Dictionary<string, (FileStamp Stamp, object Content)> cache = [];

    private FashionMnist(string folder) => Folder = folder;

    /// <summary>Class names by label index: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot.</summary>
    public static IReadOnlyList<string> ClassNames => classNames;

    /// <summary>Full path of the folder holding the IDX files.</summary>
    public string Folder { get; }

    /// <summary>Opens the dataset in a folder found as described in <see cref="LocateFolder(string?)"/>.</summary>
    /// <param name="folder">Explicit folder, or null to search.</param>
    /// <exception cref="DatasetFormatException">No usable folder was found (the message lists where it looked).</exception>
    public static FashionMnist Open(string? folder = null) => new(LocateFolder(folder));

    /// <summary>
    /// Finds the Fashion-MNIST folder: the explicit <paramref name="folder"/> if given; else the
    /// folder named by the environment variable <c>CONDDISTILL_DATA</c>; else the first
    /// <c>data/fashion-mnist</c> found walking up from <see cref="AppContext.BaseDirectory"/>, then from
    /// the current directory. An explicit folder or the variable may name the Fashion-MNIST folder
    /// itself or a folder that contains <c>fashion-mnist/</c>.
    /// </summary>
    /// <param name="folder">Explicit folder, or null to search.</param>
    /// <exception cref="DatasetFormatException">The named folder is unusable or nothing was found.</exception>
    public static string LocateFolder(string? folder = null) =>
        LocateFolder(folder, Environment.GetEnvironmentVariable(DataFolderVariable),
            Runtime.RepositoryFolders.DefaultStarts);

    /// <summary>The search of <see cref="LocateFolder(string?)"/> with its inputs made explicit (for tests).</summary>
    internal static string LocateFolder(string? folder, string? environmentValue, IReadOnlyList<string> searchStarts)
    {
        if (!string.IsNullOrWhiteSpace(folder))
            return ResolveNamedFolder(folder, "the folder argument");
        if (!string.IsNullOrWhiteSpace(environmentValue))
            return ResolveNamedFolder(environmentValue, $"the environment variable {DataFolderVariable}");
        if (Runtime.RepositoryFolders.FindUp(RelativeFolder, searchStarts) is string found) return found;
        throw new DatasetFormatException(Path.GetFullPath(searchStarts.Count > 0 ? searchStarts[0] : "."), DatasetProblem.MissingFolder,
            $"no {RelativeFolder} folder was found walking up from {string.Join(" or ", searchStarts.Select(s => $"'{s}'"))}, " +
            $"and neither a folder argument nor {DataFolderVariable} was given. Pass the folder, set {DataFolderVariable}, " +
            "or run from inside the repository.");
    }

    /// <summary>Full path of the image file of a split (the .gz file, or the raw file if only that exists).</summary>
    /// <param name="split">The split.</param>
    public string ImagesPath(DatasetSplit split) => ResolveFile(Folder, FileStem(split, images: true));

    /// <summary>Full path of the label file of a split (the .gz file, or the raw file if only that exists).</summary>
    /// <param name="split">The split.</param>
    public string LabelsPath(DatasetSplit split) => ResolveFile(Folder, FileStem(split, images: false));

    /// <summary>Number of items in a split (60,000 train, 10,000 test for the shipped files).</summary>
    /// <param name="split">The split.</param>
    /// <exception cref="DatasetFormatException">A file of the split is missing or invalid.</exception>
    public int Count(DatasetSplit split) => ReadSplit(split).Labels.Count;

    /// <summary>Loads the items start .. start+count-1 of a split (all of it by default).</summary>
    /// <param name="split">The split.</param>
    /// <param name="start">First dataset index.</param>
    /// <param name="count">Number of items; null means up to the end of the split.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie inside the split.</exception>
    /// <exception cref="DatasetFormatException">A file of the split is missing or invalid.</exception>
    public LabeledImages Load(DatasetSplit split, int start = 0, int? count = null)
    {
        var (images, labels) = ReadSplit(split);
        int total = labels.Count;
        int length = count ?? total - start;
        if (start < 0 || length < 0 || start > total || length > total - start)
            throw new ArgumentOutOfRangeException(count is null ? nameof(start) : nameof(count),
                $"Range start={start}, count={count?.ToString() ?? "(to end)"} does not lie inside the {split} split of " +
                $"{total} items: need 0 <= start <= {total} and 0 <= count <= {total} - start.");
        long[] indices = new long[length];
        for (int i = 0; i < length; i++) indices[i] = start + i;
        return Build(images, labels, indices);
    }

    /// <summary>Loads the items with the given dataset indices, in that order (repeats allowed).</summary>
    /// <param name="split">The split.</param>
    /// <param name="indices">Dataset indices, each in 0 .. Count(split)-1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index lies outside the split.</exception>
    /// <exception cref="DatasetFormatException">A file of the split is missing or invalid.</exception>
    public LabeledImages Load(DatasetSplit split, IReadOnlyList<long> indices)
    {
        var (images, labels) = ReadSplit(split);
        long[] copy = [.. indices];
        for (int i = 0; i < copy.Length; i++)
        {
            if (copy[i] < 0 || copy[i] >= labels.Count)
                throw new ArgumentOutOfRangeException(nameof(indices),
                    $"Index {copy[i]} (position {i}) lies outside the {split} split of {labels.Count} items (valid: 0..{labels.Count - 1}).");
        }
        return Build(images, labels, copy);
    }

    /// <summary>Forgets every cached file (the next load reads from disk again).</summary>
    public static void ClearCache()
    {
        lock (cacheLock) cache.Clear();
    }

    /// <summary>Maps a pixel byte to [-1, 1]: pixel / 127.5 - 1 (0 -> -1, 255 -> 1 exactly).</summary>
    /// <param name="pixel">A uint8 pixel.</param>
    public static float ScalePixel(byte pixel) => (float)(pixel / 127.5 - 1.0);

    /// <summary>The file name without extension, e.g. "train-images-idx3-ubyte".</summary>
    internal static string FileStem(DatasetSplit split, bool images)
    {
        string prefix = split switch
        {
            DatasetSplit.Train => "train",
            DatasetSplit.Test => "t10k",
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Expected Train or Test."),
        };
        return images ? $"{prefix}-images-idx3-ubyte" : $"{prefix}-labels-idx1-ubyte";
    }

    private static LabeledImages Build(IdxImages images, IdxLabels labels, long[] indices)
    {
        int pixelsPerImage = images.PixelsPerImage;
        float[] scale = new float[256];
        for (int p = 0; p < 256; p++) scale[p] = ScalePixel((byte)p);
        float[] values = new float[(long)indices.Length * pixelsPerImage];
        long[] classes = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            var source = images.Pixels.AsSpan(checked((int)indices[i] * pixelsPerImage), pixelsPerImage);
            var target = values.AsSpan(i * pixelsPerImage, pixelsPerImage);
            for (int j = 0; j < pixelsPerImage; j++) target[j] = scale[source[j]];
            classes[i] = labels.Labels[indices[i]];
        }
        var imageTensor = torch.tensor(values, [indices.Length, 1, images.Rows, images.Columns]);
        var labelTensor = torch.tensor(classes, [indices.Length]);
        return new LabeledImages(imageTensor, labelTensor, indices);
    }

    private (IdxImages Images, IdxLabels Labels) ReadSplit(DatasetSplit split)
    {
        string imagesPath = ImagesPath(split);
        string labelsPath = LabelsPath(split);
        var images = Cached(imagesPath, () => IdxFormat.ReadImages(imagesPath, ImageSize, ImageSize));
        var labels = Cached(labelsPath, () => ReadCheckedLabels(labelsPath));
        if (images.Count != labels.Count)
            throw new DatasetFormatException(labelsPath, DatasetProblem.CountMismatch,
                $"holds {labels.Count} labels but its image file '{imagesPath}' holds {images.Count} images; expected equal counts (the files come from different copies or one is damaged).");
        return (images, labels);
    }

    private static IdxLabels ReadCheckedLabels(string path)
    {
        var labels = IdxFormat.ReadLabels(path);
        int bad = Array.FindIndex(labels.Labels, label => label >= ClassCount);
        if (bad >= 0)
            throw new DatasetFormatException(path, DatasetProblem.LabelOutOfRange,
                $"label {bad} is {labels.Labels[bad]}; expected a class index 0..{ClassCount - 1}.");
        return labels;
    }

    private static T Cached<T>(string path, Func<T> read) where T : class
    {
        var stamp = FileStamp.Of(path);
        lock (cacheLock)
        {
            if (cache.TryGetValue(path, out var entry) && entry.Stamp == stamp) return (T)entry.Content;
            T content = read();
            cache[path] = (stamp, content);
            return content;
        }
    }

    private static string ResolveFile(string folder, string stem)
    {
        string gzipped = Path.Combine(folder, stem + ".gz");
        string raw = Path.Combine(folder, stem);
        if (File.Exists(gzipped) || !File.Exists(raw)) return gzipped; // a missing file is reported under its .gz name
        return raw;
    }

    private static bool HoldsAnyDatasetFile(string folder) =>
        Enum.GetValues<DatasetSplit>().Any(split =>
            File.Exists(ResolveFile(folder, FileStem(split, images: true))) ||
            File.Exists(ResolveFile(folder, FileStem(split, images: false))));

    private static string ResolveNamedFolder(string folder, string origin)
    {
        string fullPath = Path.GetFullPath(folder);
        if (!Directory.Exists(fullPath))
            throw new DatasetFormatException(fullPath, DatasetProblem.MissingFolder,
                $"named by {origin}, does not exist; expected the Fashion-MNIST folder (data/fashion-mnist in the repository) or a folder containing fashion-mnist/.");
        if (HoldsAnyDatasetFile(fullPath)) return fullPath;
        string subfolder = Path.Combine(fullPath, SubfolderName);
        if (Directory.Exists(subfolder)) return subfolder;
        throw new DatasetFormatException(fullPath, DatasetProblem.MissingFolder,
            $"named by {origin}, holds none of the Fashion-MNIST files ({FileStem(DatasetSplit.Train, true)}.gz, ...) and no fashion-mnist/ subfolder.");
    }

    private readonly record struct FileStamp(long Length, DateTime LastWriteUtc)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : default;
        }
    }
}
