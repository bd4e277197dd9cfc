namespace CondDistill.Data;

/// <summary>What is wrong with a dataset file or folder (see <see cref="DatasetFormatException"/>).</summary>
public enum DatasetProblem
{
    /// <summary>The data folder does not exist or holds none of the expected files.</summary>
    MissingFolder,

    /// <summary>The file does not exist.</summary>
    MissingFile,

    /// <summary>The file is shorter than its header, or the header promises more bytes than the file holds.</summary>
    Truncated,

    /// <summary>The file holds more bytes than its header describes.</summary>
    TrailingBytes,

    /// <summary>The IDX magic number (zero bytes, type code, number of dimensions) is not the expected one.</summary>
    WrongMagic,

    /// <summary>The image size in the header is not the expected one.</summary>
    WrongDimensions,

    /// <summary>The file starts like gzip but does not decompress.</summary>
    CorruptGzip,

    /// <summary>An image file and its label file disagree on the number of items.</summary>
    CountMismatch,

    /// <summary>A label is outside 0..ClassCount-1.</summary>
    LabelOutOfRange,
}
