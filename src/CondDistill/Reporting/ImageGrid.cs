using CondDistill.Runtime;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace CondDistill.Reporting;

/// <summary>
/// Turns image tensors into PNG grids: rows of tiles with optional row labels. Grey batches give a
/// grey PNG, any RGB row gives an RGB PNG (grey rows are then repeated over the three channels).
/// </summary>
public static class ImageGrid
{
    /// <summary>Lays out a batch [N, C, H, W] in rows of <paramref name="columns"/> tiles.</summary>
    public static Image FromBatch(torch.Tensor images, int columns, ImageGridOptions? options = null)
    {
        CheckBatch(images, "images");
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "columns must be at least 1.");
        long count = images.shape[0];
        var rows = new List<GridRow>();
        for (long start = 0; start < count; start += columns)
            rows.Add(new GridRow(null, images.narrow(0, start, Math.Min(columns, count - start))));
        return FromRows(rows, options);
    }

    /// <summary>Lays out labelled rows; rows may have different lengths but share tile size.</summary>
    public static Image FromRows(IReadOnlyList<GridRow> rows, ImageGridOptions? options = null)
    {
        var o = options ?? ImageGridOptions.Default;
        if (rows.Count == 0) throw new ArgumentException("An image grid needs at least one row.", nameof(rows));
        if (o.Scale < 1 || o.LabelScale < 1 || o.Padding < 0 || !(o.High > o.Low))
            throw new ArgumentException("ImageGridOptions: Scale and LabelScale must be >= 1, Padding >= 0 and High > Low.", nameof(options));

        var tiles = new List<byte[][]>(); // per row: per tile interleaved RGB bytes
        long height = -1, width = -1;
        bool rgb = false;
        for (int r = 0; r < rows.Count; r++)
        {
            var images = rows[r].Images;
            CheckBatch(images, $"row {r} ('{rows[r].Label}')");
            if (height < 0) { height = images.shape[2]; width = images.shape[3]; }
            else if (images.shape[2] != height || images.shape[3] != width)
                throw new ArgumentException($"Row {r} ('{rows[r].Label}') has tiles of {images.shape[2]}x{images.shape[3]}, the first row {height}x{width}; all tiles must share one size.");
            rgb |= images.shape[1] == 3;
            tiles.Add(ToRgbBytes(images, o));
        }

        int s = o.Scale, pad = o.Padding, tileH = (int)height * s, tileW = (int)width * s;
        int labelWidth = rows.Any(r => !string.IsNullOrEmpty(r.Label))
            ? rows.Max(r => BitmapFont.MeasureWidth(r.Label ?? "")) * o.LabelScale + pad
            : 0;
        int maxTiles = tiles.Max(t => t.Length);
        int canvasW = labelWidth + pad + maxTiles * (tileW + pad);
        int canvasH = pad + rows.Count * (tileH + pad);
        var canvas = new byte[canvasH * canvasW * 3];
        Array.Fill(canvas, o.Background);

        for (int r = 0; r < rows.Count; r++)
        {
            int top = pad + r * (tileH + pad);
            DrawLabel(canvas, canvasW, rows[r].Label, pad, top + (tileH - BitmapFont.GlyphHeight * o.LabelScale) / 2, o);
            for (int c = 0; c < tiles[r].Length; c++)
                Blit(canvas, canvasW, tiles[r][c], (int)height, (int)width, s, labelWidth + pad + c * (tileW + pad), top);
        }
        return rgb ? Image.LoadPixelData<Rgb24>(canvas, canvasW, canvasH) : ToGrey(canvas, canvasW, canvasH);
    }

    /// <summary>Encodes an image as PNG bytes (for notebooks and HTML reports).</summary>
    public static byte[] ToPngBytes(Image image)
    {
        using var memory = new MemoryStream();
        image.Save(memory, new PngEncoder());
        return memory.ToArray();
    }

    /// <summary>Writes an image as PNG atomically.</summary>
    public static void SavePng(Image image, string path) => AtomicFile.Write(path, stream => image.Save(stream, new PngEncoder()));

    /// <summary>Builds a labelled grid and writes it as PNG atomically.</summary>
    public static void SaveRows(string path, IReadOnlyList<GridRow> rows, ImageGridOptions? options = null)
    {
        using var image = FromRows(rows, options);
        SavePng(image, path);
    }

    /// <summary>Builds a batch grid and writes it as PNG atomically.</summary>
    public static void SaveBatch(string path, torch.Tensor images, int columns, ImageGridOptions? options = null)
    {
        using var image = FromBatch(images, columns, options);
        SavePng(image, path);
    }

    private static void CheckBatch(torch.Tensor images, string what)
    {
        if (images.dim() != 4 || (images.shape[1] != 1 && images.shape[1] != 3))
            throw new ArgumentException(
                $"Image grid {what}: expected a tensor [N, C, H, W] with C = 1 or 3, got [{string.Join(", ", images.shape)}]. " +
                "Show other channel counts one channel per row (tensor.narrow(1, k, 1)).");
    }

    /// <summary>Maps [Low, High] to bytes, one interleaved RGB array per tile.</summary>
    private static byte[][] ToRgbBytes(torch.Tensor images, ImageGridOptions o)
    {
        using var scope = torch.NewDisposeScope();
        var scaled = images.detach().cpu().to(torch.float64).clamp(o.Low, o.High).sub(o.Low).div(o.High - o.Low).mul(255.0).round();
        if (scaled.shape[1] == 1) scaled = scaled.expand(-1, 3, -1, -1);
        var bytes = scaled.permute(0, 2, 3, 1).contiguous().to(torch.uint8).data<byte>().ToArray();
        int n = (int)images.shape[0], tileBytes = bytes.Length / Math.Max(n, 1);
        var result = new byte[n][];
        for (int i = 0; i < n; i++) result[i] = bytes.AsSpan(i * tileBytes, tileBytes).ToArray();
        return result;
    }

    private static void Blit(byte[] canvas, int canvasW, byte[] tile, int h, int w, int scale, int left, int top)
    {
        for (int y = 0; y < h * scale; y++)
            for (int x = 0; x < w * scale; x++)
            {
                int src = ((y / scale) * w + x / scale) * 3, dst = ((top + y) * canvasW + left + x) * 3;
                canvas[dst] = tile[src]; canvas[dst + 1] = tile[src + 1]; canvas[dst + 2] = tile[src + 2];
            }
    }

    private static void DrawLabel(byte[] canvas, int canvasW, string? label, int left, int top, ImageGridOptions o)
    {
        if (string.IsNullOrEmpty(label)) return;
        int k = o.LabelScale, canvasH = canvas.Length / 3 / canvasW;
        for (int i = 0; i < label.Length; i++)
            for (int row = 0; row < BitmapFont.GlyphHeight; row++)
                for (int col = 0; col < BitmapFont.GlyphWidth; col++)
                {
                    if (!BitmapFont.IsSet(label[i], col, row)) continue;
                    for (int dy = 0; dy < k; dy++)
                        for (int dx = 0; dx < k; dx++)
                        {
                            int y = top + row * k + dy, x = left + (i * (BitmapFont.GlyphWidth + 1) + col) * k + dx;
                            if (y < 0 || y >= canvasH || x >= canvasW) continue;
                            int at = (y * canvasW + x) * 3;
                            canvas[at] = canvas[at + 1] = canvas[at + 2] = o.LabelColor;
                        }
                }
    }

    private static Image ToGrey(byte[] rgb, int width, int height)
    {
        var grey = new byte[width * height];
        for (int i = 0; i < grey.Length; i++) grey[i] = rgb[i * 3];
        return Image.LoadPixelData<L8>(grey, width, height);
    }
}
