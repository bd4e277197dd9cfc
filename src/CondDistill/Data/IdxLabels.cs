namespace CondDistill.Data;

/// <summary>The decoded content of an IDX label file (magic 0x00000801): one uint8 label per item.</summary>
/// <param name="Path">Full path of the file the labels came from.</param>
/// <param name="Labels">One byte per item. Shared: do not modify.</param>
public sealed record IdxLabels(string Path, byte[] Labels)
{
    /// <summary>Number of labels.</summary>
    public int Count => Labels.Length;
}
