using System.Buffers.Binary;
using PdfSharp.Fonts;

namespace Boai.Orleans.Dashboard.Certificates;

/// <summary>
/// The CJK font certificates embed. PDFsharp embeds TrueType outlines only and reads no font collections: Debian's
/// Noto CJK (CFF outlines) does not fit, WenQuanYi Micro Hei (Debian <c>fonts-wqy-microhei</c>: TrueType outlines,
/// Latin and Chinese in one face) does once its first face is taken out of the .ttc. Found at run time
/// (<c>Certificates:FontPath</c> first, a .ttf or .ttc).
/// </summary>
public static class CertificateFont
{
    public const string Family = "BoaiCjk";

    public const string MissingDetail =
        "证书所需的中文字体未安装（Debian 软件包 fonts-wqy-microhei，或设置 Certificates:FontPath） / The certificate font is missing: install Debian's fonts-wqy-microhei or set Certificates:FontPath";

    private static readonly string[] KnownPaths =
    [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ];

    private static readonly Lock Gate = new();
    private static bool _installed;

    /// <summary>Installs the font resolver once per process; false when no font file is found.</summary>
    public static bool TryInstall(string? configuredPath)
    {
        lock (Gate)
        {
            if (_installed)
            {
                return true;
            }

            var path = new[] { configuredPath }.Concat(KnownPaths).FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));
            if (path is null)
            {
                return false;
            }

            GlobalFontSettings.FontResolver = new Resolver(FirstFace(File.ReadAllBytes(path)));
            _installed = true;
            return true;
        }
    }

    /// <summary>
    /// A TrueType collection's first face as a standalone font file: its table directory with offsets into the new
    /// file, then its tables (4-byte aligned). A plain font file is returned as it is.
    /// </summary>
    internal static byte[] FirstFace(byte[] file)
    {
        if (file.Length < 16 || !file.AsSpan(0, 4).SequenceEqual("ttcf"u8))
        {
            return file;
        }

        var face = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(12));
        var tables = BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(face + 4));
        var directory = 12 + (16 * tables);
        var records = Enumerable.Range(0, tables).Select(i => face + 12 + (16 * i)).ToList();
        var size = directory + records.Sum(r => Align((int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(r + 12))));
        var output = new byte[size];
        file.AsSpan(face, directory).CopyTo(output);
        var next = directory;
        for (var i = 0; i < tables; i++)
        {
            var record = records[i];
            var offset = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(record + 8));
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(record + 12));
            file.AsSpan(offset, length).CopyTo(output.AsSpan(next));
            BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(12 + (16 * i) + 8), (uint)next);
            next += Align(length);
        }

        return output;
    }

    private static int Align(int length) => (length + 3) & ~3;

    private sealed class Resolver(byte[] font) : IFontResolver
    {
        // One face for every request: bold is simulated, italic is not used on a certificate.
        public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) => new(Family, isBold, false);

        public byte[] GetFont(string faceName) => font;
    }
}
