namespace CondDistill.Data;

/// <summary>The decoded content of an IDX image file (magic 0x00000803): uint8 pixels, row-major.</summary>
/// <param name="Path">Full path of the file the images came from.</param>
/// <param name="Count">Number of images.</param>
/// <param name="Rows">Image height.</param>
/// <param name="Columns">Image width.</param>
/// <param name="Pixels">Count * Rows * Columns bytes, image after image, each row-major. Shared: do not modify.</param>
public sealed record IdxImages(string Path, int Count, int Rows, int Columns, byte[] Pixels)
{
    /// <summary>Number of pixels in one image (Rows * Columns).</summary>
    public int PixelsPerImage => Rows * Columns;
}
