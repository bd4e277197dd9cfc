namespace CondDistill.Data;

/// <summary>An axis-aligned box of pixels: rows Top .. Top+Height-1, columns Left .. Left+Width-1.</summary>
/// <param name="Top">First row.</param>
/// <param name="Left">First column.</param>
/// <param name="Height">Number of rows.</param>
/// <param name="Width">Number of columns.</param>
public readonly record struct PixelBox(int Top, int Left, int Height, int Width)
{
    /// <summary>Number of pixels in the box.</summary>
    public int Area => Height * Width;

    /// <summary>True when pixel (row, column) lies in the box.</summary>
    /// <param name="row">Pixel row.</param>
    /// <param name="column">Pixel column.</param>
    public bool Contains(int row, int column) =>
        row >= Top && row < Top + Height && column >= Left && column < Left + Width;
}
