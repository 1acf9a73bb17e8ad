using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations.Postgres
{
    /// <summary>
    /// smb's optional <c>port</c>: no schema change, it shares the StorageTargets.Port column sftp's port already has
    /// (an smb row's is NULL until set); the migration records the model that maps it.
    /// </summary>
    public partial class SmbPort : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
