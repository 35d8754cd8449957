package sink

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"

	"readiness/pipeline"
)

// ManifestFile is the file name of the run manifest.
const ManifestFile = "manifest.json"

// WriteManifest writes dir/manifest.json as indented JSON, owner-only,
// through a temporary file renamed into place.
func WriteManifest(dir string, m *pipeline.Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	out, err := createAtomic(dir, ManifestFile)
	if err != nil {
		return err
	}
	if _, err := out.Write(append(b, '\n')); err != nil {
		out.abort()
		return err
	}
	return out.commit()
}

// HashFile returns the size and the hex SHA-256 of the file at path.
func HashFile(path string) (size int64, sha256hex string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	size, err = io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return size, hex.EncodeToString(h.Sum(nil)), nil
}
